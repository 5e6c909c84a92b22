package io.mvmci.api;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import tools.jackson.databind.ObjectMapper;

/**
 * A {@code Content-Type} that does not parse, or names a wildcard ({@code *}{@code /*},
 * {@code application/*}), is a 415 before anything reads the body. Spring refuses to hold a wildcard
 * content type and throws where it first looks at the header, which on the actuator's endpoints was a
 * 500 (found by ApiFuzzingTest).
 *
 * <p>An {@code Accept} header with no value counts as no header: Spring Boot's Prometheus endpoint
 * found no format for an empty one and answered 500 (found by ApiFuzzingTest too).
 */
final class ContentTypeFilter implements Filter {
  private final ObjectMapper json;

  ContentTypeFilter(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    String type = request.getContentType();
    String problem = type == null || type.isBlank() ? null : problem(type);
    if (problem == null) {
      String accept = request.getHeader("Accept");
      chain.doFilter(accept != null && accept.isBlank() ? withoutAccept(request) : request, res);
      return;
    }
    EarlyAnswers.problem(request, (HttpServletResponse) res, json,
        EarlyAnswers.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", problem));
  }

  private static HttpServletRequest withoutAccept(HttpServletRequest request) {
    return new jakarta.servlet.http.HttpServletRequestWrapper(request) {
      @Override
      public String getHeader(String name) {
        return "Accept".equalsIgnoreCase(name) ? null : super.getHeader(name);
      }

      @Override
      public java.util.Enumeration<String> getHeaders(String name) {
        return "Accept".equalsIgnoreCase(name) ? java.util.Collections.emptyEnumeration() : super.getHeaders(name);
      }

      @Override
      public java.util.Enumeration<String> getHeaderNames() {
        return java.util.Collections.enumeration(java.util.Collections.list(super.getHeaderNames()).stream()
            .filter(n -> !"Accept".equalsIgnoreCase(n)).toList());
      }
    };
  }

  static String problem(String type) {
    try {
      MediaType t = MediaType.parseMediaType(type);
      return t.isWildcardType() || t.isWildcardSubtype()
          ? "Content-Type must name the body's type, not a wildcard (\"" + t + "\")" : null;
    } catch (InvalidMediaTypeException e) {
      return "Content-Type does not parse: " + e.getMessage();
    }
  }
}
