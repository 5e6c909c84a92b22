package io.mvmci.api;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * The answer Tomcat writes itself, for a request it refuses before any filter or servlet sees it (a
 * URI it cannot decode, a {@code CONNECT}, headers past their limit): a problem+json body like every
 * other error instead of Tomcat's HTML page, installed as the host's error report valve.
 *
 * <p>{@code CONNECT} is a 405 with {@code Allow}, not Tomcat's 501: no method is "not implemented"
 * here that a client could expect a proxy to tunnel, and bad input is a 4xx. A request line naming
 * {@code HTTP/2.0} or {@code HTTP/9.9} is a 400, not Tomcat's 505. (ApiFuzzingTest found both.) Errors
 * the application answered (with a body) are left as they are.
 *
 * <p>Such a request may declare a body nobody will read. Tomcat would drain it after the answer, at the
 * client's pace and up to {@code connection-timeout}, on a request thread: a client that declares a
 * body and sends none held a thread 10 s per request. The answer closes the connection instead
 * (Tomcat's own way for an aborted upload), as {@link EarlyAnswers} does for the filters' refusals.
 */
public final class ContainerErrors extends ErrorReportValve {
  static final String ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    String message = response.getMessage();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    if (status == 501 && "CONNECT".equals(request.getMethod())) {
      status = 405;
      response.setStatus(status);
      response.setHeader("Allow", ALLOW);
    } else if (status == 505) {
      status = 400; // a request line naming HTTP/2.0 or HTTP/9.9 over this HTTP/1.1 connection is malformed input
      response.setStatus(status);
      message = "this node speaks HTTP/1.1 (and 1.0); the request line names another version";
    }
    String reason = reason(status);
    String detail = status >= 500 ? "the node failed to answer; see its log" : (message == null || message.isBlank() ? reason : message);
    String type = status >= 500 ? "internal" : reason.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
    String body = "{\"type\":\"urn:mvmci:problem:" + type + "\",\"title\":\"" + reason + "\",\"status\":" + status
        + ",\"detail\":\"" + json(detail) + "\"}";
    try {
      closeIfBodyUnread(request, response);
      response.setContentType("application/problem+json");
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      Writer w = response.getReporter();
      if (w != null) {
        w.write(body);
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // the client went away, or the response is past changing: nothing more to say
    }
  }

  private static void closeIfBodyUnread(Request request, Response response) {
    if (!EarlyAnswers.hasBody(request)) {
      return;
    }
    AtomicBoolean read = new AtomicBoolean();
    request.getCoyoteRequest().action(ActionCode.REQUEST_BODY_FULLY_READ, read);
    if (!read.get()) {
      response.setHeader("Connection", "close");
      request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
    }
  }

  private static String reason(int status) {
    org.springframework.http.HttpStatus known = org.springframework.http.HttpStatus.resolve(status);
    return known == null ? "Error" : known.getReasonPhrase();
  }

  private static String json(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
