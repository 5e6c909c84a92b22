package io.mvmci.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.springframework.core.ResolvableType;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * A request that changes something is refused before it runs when its {@code Accept} header rules
 * out the JSON it would be answered with: 406, or 400 for a header that does not parse. Spring
 * negotiates the answer's type after the handler, so without this a {@code POST} with
 * {@code Accept: text/html} issued a ticket or cancelled a job and then answered 406, a refusal that
 * wrote (found by ApiFuzzingTest). Reads are left to Spring: a late 406 on a read changes nothing.
 * Handlers that answer no body, or a stream of their own type (a backup), are not negotiated.
 */
final class AcceptBeforeWrite implements HandlerInterceptor {
  private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
  private static final List<MediaType> JSON = List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON);

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws HttpMediaTypeNotAcceptableException {
    if (!(handler instanceof HandlerMethod method) || READS.contains(request.getMethod()) || !answersJson(method)) {
      return true;
    }
    List<String> headers = Collections.list(request.getHeaders("Accept"));
    String accept = String.join(",", headers);
    if (accept.isBlank()) {
      return true;
    }
    List<MediaType> wanted;
    try {
      wanted = MediaType.parseMediaTypes(accept);
    } catch (InvalidMediaTypeException e) {
      throw new BadRequestException(null, "the Accept header does not parse: " + e.getMessage());
    }
    for (MediaType w : wanted) {
      if (w.getQualityValue() > 0 && JSON.stream().anyMatch(w::isCompatibleWith)) {
        return true;
      }
    }
    throw new HttpMediaTypeNotAcceptableException(JSON);
  }

  private static boolean answersJson(HandlerMethod method) {
    ResolvableType type = ResolvableType.forMethodReturnType(method.getMethod());
    Class<?> raw = type.resolve(Object.class);
    if (raw == void.class || raw == Void.class || StreamingResponseBody.class.isAssignableFrom(raw)) {
      return false;
    }
    if (org.springframework.http.HttpEntity.class.isAssignableFrom(raw)) {
      Class<?> body = type.as(org.springframework.http.HttpEntity.class).getGeneric(0).resolve(Object.class);
      return body != Void.class && !StreamingResponseBody.class.isAssignableFrom(body);
    }
    return true;
  }
}
