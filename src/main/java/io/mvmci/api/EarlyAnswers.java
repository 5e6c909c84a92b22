package io.mvmci.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.ObjectMapper;

/**
 * An answer given before the request's body was read (a refused credential, a body too large or too
 * slow): a problem+json, then the connection closes without the body being read. Tomcat drains an
 * unread body after a request that ends on its thread, up to {@code max-swallow-size} and at the
 * client's pace, holding the thread; an exchange that ends asynchronously with {@code Connection:
 * close} is closed at once instead. So the answer is completed through an {@code AsyncContext}.
 */
public final class EarlyAnswers {
  private EarlyAnswers() {}

  /** Whether the request declares a body (a length above zero, or chunks). */
  public static boolean hasBody(HttpServletRequest request) {
    String te = request.getHeader("Transfer-Encoding");
    return request.getContentLengthLong() > 0 || te != null && !te.isBlank();
  }

  /**
   * Writes {@code problem} as the whole answer. If the request has a body nobody read, the connection
   * is closed after it rather than kept for another request.
   */
  public static void problem(HttpServletRequest request, HttpServletResponse response, ObjectMapper json,
      ProblemDetail problem) throws IOException {
    boolean unread = hasBody(request) && request.isAsyncSupported() && !request.isAsyncStarted();
    response.setStatus(problem.getStatus());
    if (unread) {
      response.setHeader("Connection", "close");
    }
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.getOutputStream().write(json.writeValueAsBytes(problem));
    if (unread) {
      request.startAsync().complete();
    }
  }

  /** A problem body of our usual shape. */
  static ProblemDetail of(HttpStatus status, String type, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create("urn:mvmci:problem:" + type));
    p.setTitle(status.getReasonPhrase());
    return p;
  }
}
