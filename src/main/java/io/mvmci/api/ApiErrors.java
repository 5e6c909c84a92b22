package io.mvmci.api;

import io.mvmci.queue.InvalidJobException;
import io.mvmci.queue.JobConflictException;
import io.mvmci.queue.JobNotFoundException;
import io.mvmci.replication.ReplicationException;
import io.mvmci.store.StoreUnavailableException;
import io.mvmci.worker.WorkException;
import java.net.URI;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place exceptions become HTTP answers: RFC 9457 problem+json bodies whose {@code type} names
 * the kind of problem and whose {@code detail} says what to fix. Spring's own exceptions (unknown
 * route, wrong method, unreadable body) get problem bodies from the base class.
 */
@RestControllerAdvice
class ApiErrors extends ResponseEntityExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  @ExceptionHandler(BadRequestException.class)
  ResponseEntity<ProblemDetail> badRequest(BadRequestException e) {
    return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getMessage(), e.field());
  }

  @ExceptionHandler(InvalidJobException.class)
  ResponseEntity<ProblemDetail> invalidJob(InvalidJobException e) {
    return problem(HttpStatus.BAD_REQUEST, "invalid-job", "Invalid job", e.getMessage(), e.field());
  }

  @ExceptionHandler(io.mvmci.schedule.InvalidScheduleException.class)
  ResponseEntity<ProblemDetail> invalidSchedule(io.mvmci.schedule.InvalidScheduleException e) {
    return problem(HttpStatus.BAD_REQUEST, "invalid-schedule", "Invalid schedule", e.getMessage(), e.field());
  }

  @ExceptionHandler(io.mvmci.schedule.ScheduleConflictException.class)
  ResponseEntity<ProblemDetail> scheduleConflict(RuntimeException e) {
    return problem(HttpStatus.CONFLICT, "schedule-conflict", "Schedule conflict", e.getMessage(), null);
  }

  @ExceptionHandler(io.mvmci.queue.IdempotencyConflictException.class)
  ResponseEntity<ProblemDetail> idempotencyConflict(io.mvmci.queue.IdempotencyConflictException e) {
    return problem(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused", "Idempotency-Key reused",
        e.getMessage(), e.field() == null ? "Idempotency-Key" : e.field());
  }

  @ExceptionHandler(JobNotFoundException.class)
  ResponseEntity<ProblemDetail> notFound(JobNotFoundException e) {
    return problem(HttpStatus.NOT_FOUND, "job-not-found", "Job not found", e.getMessage(), null);
  }

  @ExceptionHandler({TicketsController.TicketNotFoundException.class,
      ModulesController.ModuleNotFoundException.class, io.mvmci.schedule.ScheduleNotFoundException.class})
  ResponseEntity<ProblemDetail> otherNotFound(RuntimeException e) {
    return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", e.getMessage(), null);
  }

  @ExceptionHandler(io.mvmci.deploy.ModuleDeployer.ModuleInUseException.class)
  ResponseEntity<ProblemDetail> moduleInUse(RuntimeException e) {
    return problem(HttpStatus.CONFLICT, "module-in-use", "Module version in use", e.getMessage(), null);
  }

  @ExceptionHandler(RemoteWorkerTransports.LabelsNotAllowedException.class)
  ResponseEntity<ProblemDetail> labelsNotAllowed(RuntimeException e) {
    return problem(HttpStatus.FORBIDDEN, "labels-not-allowed", "Labels not allowed by the ticket", e.getMessage(),
        "labels");
  }

  @ExceptionHandler(JobConflictException.class)
  ResponseEntity<ProblemDetail> conflict(JobConflictException e) {
    return problem(HttpStatus.CONFLICT, "job-conflict", "Job state conflict", e.getMessage(), null);
  }

  @ExceptionHandler(MemberChanges.RefusedException.class)
  ResponseEntity<ProblemDetail> memberChangeRefused(MemberChanges.RefusedException e) {
    HttpStatus status = HttpStatus.valueOf(e.status);
    return problem(status, "member-change-refused", "Membership change refused", e.getMessage(), null);
  }

  /** Ratis's compare-and-set refused a membership change: another change was made meanwhile. */
  @ExceptionHandler(io.mvmci.replication.MembershipConflictException.class)
  ResponseEntity<ProblemDetail> memberChangeConflict(RuntimeException e) {
    return problem(HttpStatus.CONFLICT, "member-change-refused", "Membership change refused", e.getMessage(), null);
  }

  @ExceptionHandler(PayloadTooLargeException.class)
  ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException e) {
    return problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Request body too large",
        e.getMessage(), null);
  }

  @ExceptionHandler(io.mvmci.artifact.ArtifactTooLargeException.class)
  ResponseEntity<ProblemDetail> artifactTooLarge(RuntimeException e) {
    return problem(HttpStatus.CONTENT_TOO_LARGE, "artifact-too-large", "Artifact limit", e.getMessage(), null);
  }

  @ExceptionHandler(io.mvmci.artifact.ArtifactException.class)
  ResponseEntity<ProblemDetail> artifact(io.mvmci.artifact.ArtifactException e) {
    HttpStatus status = HttpStatus.valueOf(e.status());
    String type = switch (e.status()) {
      case 404 -> "not-found";
      case 503 -> "unavailable";
      default -> "artifact-" + e.status();
    };
    ResponseEntity<ProblemDetail> r = problem(status, type, status.getReasonPhrase(), e.getMessage(), null);
    return status != HttpStatus.SERVICE_UNAVAILABLE ? r
        : ResponseEntity.status(r.getStatusCode()).headers(r.getHeaders())
            .header(HttpHeaders.RETRY_AFTER, "1").body(r.getBody());
  }

  @ExceptionHandler({ReplicationException.class, StoreUnavailableException.class, WorkException.class})
  ResponseEntity<ProblemDetail> unavailable(RuntimeException e) {
    LOG.warn("answering 503: {}", e.getMessage());
    ResponseEntity<ProblemDetail> r = problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
        "Cluster unavailable", e.getMessage(), null);
    return ResponseEntity.status(r.getStatusCode()).headers(r.getHeaders())
        .header(HttpHeaders.RETRY_AFTER, "1").body(r.getBody());
  }

  /** Spring's own problems (415, 405, unreadable body) get a type like ours. */
  @Override
  protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers,
      HttpStatusCode status, WebRequest request) {
    if (body instanceof ProblemDetail p
        && (p.getType() == null || "about:blank".equals(p.getType().toString()))) {
      HttpStatus known = HttpStatus.resolve(status.value());
      String slug = known == null ? "http-" + status.value()
          : known.getReasonPhrase().toLowerCase(Locale.ROOT).replace(' ', '-');
      p.setType(URI.create("urn:mvmci:problem:" + slug));
    }
    return super.createResponseEntity(body, headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException e,
      HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status,
        "no such endpoint: " + e.getHttpMethod() + " /" + e.getResourcePath());
    return handleExceptionInternal(e, p, headers, status, request);
  }

  /** A query string Tomcat cannot decode ({@code ?limit=%ff}, {@code ?limit=%zz}). */
  @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
  ResponseEntity<ProblemDetail> badQuery(RuntimeException e) {
    return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
        "the query string is malformed: each %XX escape must be two hex digits and the decoded bytes UTF-8", null);
  }

  /** A multipart body, which no endpoint takes (a {@code multipart/form-data} with no boundary, say). */
  @ExceptionHandler(org.springframework.web.multipart.MultipartException.class)
  ResponseEntity<ProblemDetail> multipart(RuntimeException e) {
    return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
        "multipart bodies are not accepted; send application/x-www-form-urlencoded or application/json", null);
  }

  /** A number in a JSON body that does not fit the field it was read into; a safety net behind the checks. */
  @ExceptionHandler(tools.jackson.databind.exc.JsonNodeException.class)
  ResponseEntity<ProblemDetail> badJsonValue(RuntimeException e) {
    return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
        "a value in the body has the wrong type or is out of range for its field", null);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    LOG.error("unexpected error answering a request", e);
    return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
        "the node failed to answer; see its log", null);
  }

  static ResponseEntity<ProblemDetail> problem(HttpStatus status, String type, String title,
      String detail, String field) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create("urn:mvmci:problem:" + type));
    p.setTitle(title);
    if (field != null) {
      p.setProperty("field", field);
    }
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
  }
}
