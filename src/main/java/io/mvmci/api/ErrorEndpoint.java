package io.mvmci.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where the servlet container sends an error that no controller answered (an exception in a filter,
 * a {@code sendError}): a problem+json body like every other error, instead of Spring Boot's
 * whitelabel map. Asked for directly, {@code /error} is an unknown endpoint (404), not
 * {@code {"status": 999}}.
 */
@RestController
@io.swagger.v3.oas.annotations.Hidden // the container's error page, not an operation of the API
class ErrorEndpoint implements ErrorController {
  @RequestMapping("/error")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    if (!(code instanceof Integer status)) {
      return ApiErrors.problem(HttpStatus.NOT_FOUND, "not-found", "Not Found",
          "no such endpoint: " + request.getMethod() + " /error", null);
    }
    HttpStatus known = HttpStatus.resolve(status);
    if (known == null || !known.isError()) {
      known = HttpStatus.INTERNAL_SERVER_ERROR;
    }
    String detail = known.is5xxServerError() ? "the node failed to answer; see its log"
        : String.valueOf(request.getAttribute(RequestDispatcher.ERROR_MESSAGE));
    if (detail.isBlank() || detail.equals("null")) {
      detail = known.getReasonPhrase();
    }
    String slug = known.is5xxServerError() ? "internal" : known.getReasonPhrase().toLowerCase().replace(' ', '-');
    ResponseEntity<ProblemDetail> r = ApiErrors.problem(known, slug, known.getReasonPhrase(), detail, null);
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    if (uri != null) {
      r.getBody().setInstance(java.net.URI.create(String.valueOf(uri)));
    }
    return r;
  }
}
