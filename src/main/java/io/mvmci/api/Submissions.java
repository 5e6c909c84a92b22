package io.mvmci.api;

import io.mvmci.queue.JobService;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import tools.jackson.databind.ObjectMapper;

/** Content negotiation and the response of a submission, shared by both submit endpoints. */
final class Submissions {
  enum Kind { JSON, FORM }

  private Submissions() {}

  /**
   * JSON for {@code application/json} (or {@code +json}), a form for
   * {@code application/x-www-form-urlencoded}; with no content type, a body that starts with
   * {@code {} is JSON. Anything else is a 415.
   */
  static Kind kind(String contentType, String body) throws HttpMediaTypeNotSupportedException {
    if (contentType == null || contentType.isBlank()) {
      return body.stripLeading().startsWith("{") ? Kind.JSON : Kind.FORM;
    }
    MediaType type;
    try {
      type = MediaType.parseMediaType(contentType);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(null, "malformed Content-Type \"" + contentType + "\"");
    }
    if (type.isCompatibleWith(MediaType.APPLICATION_JSON) || "json".equals(type.getSubtypeSuffix())) {
      return Kind.JSON;
    }
    if (type.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED)) {
      return Kind.FORM;
    }
    throw new HttpMediaTypeNotSupportedException(type,
        List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_FORM_URLENCODED));
  }

  /**
   * 201 with the new job, or 200 with the existing one for a repeated idempotency key. Written here
   * with its length rather than through a message converter: that answer went out chunked and
   * flushed early, two writes per submission, and content negotiation cost more than the JSON.
   */
  static void write(JobService.Submission s, HttpServletResponse response, ObjectMapper json)
      throws IOException {
    JobView view = JobView.of(s.job());
    byte[] body = json.writeValueAsBytes(view);
    response.setStatus(s.duplicate() ? HttpStatus.OK.value() : HttpStatus.CREATED.value());
    response.setHeader(HttpHeaders.LOCATION, "/api/v1/jobs/" + view.jobId());
    response.setHeader("Idempotent-Replayed", String.valueOf(s.duplicate()));
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
