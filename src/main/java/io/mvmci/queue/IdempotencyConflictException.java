package io.mvmci.queue;

import io.mvmci.command.SubmitJob;
import io.mvmci.job.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An idempotency key used again with a different request: answered 422, as Stripe and the IETF
 * Idempotency-Key draft do, rather than replaying a job the caller did not ask for.
 *
 * <p>The request is compared, on the node that proposed it, with the job its key made, after the log
 * decided which submission the key belongs to: whichever of two racing submissions wins, the other
 * compares against the winner's stored job. The stored job is the request's fingerprint (what the
 * submission writes is exactly workflow, input as canonical JSON, url, priority, max_attempts,
 * timeout_ms and the pinned module), so nothing new is stored or replicated, and apply is unchanged.
 * When the job should start is not compared: a {@code delay_ms} sent again means a later time.
 */
public final class IdempotencyConflictException extends RuntimeException {
  private final String field;

  IdempotencyConflictException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The field at fault (e.g. {@code jobs[2]}), or null. */
  public String field() {
    return field;
  }

  /** The fields in which {@code request} differs from {@code stored}, the job its key made. */
  static List<String> differences(SubmitJob request, Job stored) {
    List<String> out = new ArrayList<>();
    if (!request.workflow().equals(stored.workflow())) {
      out.add("workflow");
    }
    if (!request.input().equals(stored.input())) {
      out.add("input");
    }
    if (!Objects.equals(request.url(), stored.url())) {
      out.add("url");
    }
    if (request.priority() != stored.priority()) {
      out.add("priority");
    }
    if (request.maxAttempts() != stored.maxAttempts()) {
      out.add("max_attempts");
    }
    if (request.timeoutMs() != stored.timeoutMs()) {
      out.add("timeout_ms");
    }
    if (!Objects.equals(request.options().moduleSha256(), stored.pinnedSha256())) {
      out.add("module_sha256");
    }
    return out;
  }

  /** Throws if {@code request} is not the one that made {@code stored}. */
  static void check(SubmitJob request, Job stored, String field) {
    List<String> diff = differences(request, stored);
    if (!diff.isEmpty()) {
      String prefix = field == null ? "" : field + ": ";
      throw new IdempotencyConflictException(field, prefix + "Idempotency-Key \"" + request.idempotencyKey()
          + "\" was used for " + stored.id() + " with another request (it differs in " + String.join(", ", diff)
          + "); send the same request to get that job again, or use a new key for a new job");
    }
  }
}
