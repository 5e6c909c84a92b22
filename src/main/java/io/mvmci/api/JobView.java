package io.mvmci.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.mvmci.job.Job;
import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import java.time.Instant;
import java.util.List;

/**
 * A job as the API shows it. Field names are snake_case on the wire; times are ISO-8601 UTC;
 * {@code input} and {@code output} are embedded as the JSON the queue holds. Absent values are
 * omitted (a job has no {@code progress} until its workflow reports some). A Waiting job says what
 * it waits for ({@code waiting_for}) and until when ({@code wake_at}); a child job names its parent
 * ({@code parent_id}, {@code detached}); a parent's own page lists its {@code children}. A job submitted
 * with an idempotency key shows it ({@code idempotency_key}; a schedule's: {@code schedule:<id>:<fire time>}). A job that
 * requires worker labels lists them ({@code labels}); one in a concurrency group names it and its
 * limit and policy.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JobView(
    String jobId,
    JobStatus status,
    String url,
    String workflow,
    @JsonRawValue String input,
    int priority,
    int attempt,
    int failures,
    int maxAttempts,
    String runAt,
    long timeoutMs,
    String workerId,
    String leaseUntil,
    Integer progress,
    String progressMessage,
    @JsonRawValue String output,
    String error,
    String reason,
    String createdAt,
    String updatedAt,
    String startedAt,
    String finishedAt,
    String moduleSha256,
    String pinnedSha256,
    int execution,
    int historySteps,
    String waitingFor,
    String wakeAt,
    String parentId,
    Boolean detached,
    List<String> children,
    String idempotencyKey,
    List<String> labels,
    String concurrencyKey,
    Integer concurrencyLimit,
    String concurrencyPolicy) {

  /**
   * A job waiting for a worker (Pending, Retrying) shows no worker, lease or progress: the queue keeps
   * the last holder's in its row (a job handed back or whose lease ran out), but nobody runs it now,
   * and a resumed run reports its progress again. The lease is shown only while a worker holds it.
   */
  static JobView of(Job j) {
    return of(j, null);
  }

  /** With {@code children} (ids), as one job's own page shows it; lists leave them out. */
  static JobView of(Job j, List<String> children) {
    return view(j, j.input(), j.output(), children, j.reason());
  }

  /** With {@code reason} instead of the stored one (see {@link LabelCoverage}). */
  static JobView of(Job j, List<String> children, String reason) {
    return view(j, j.input(), j.output(), children, reason);
  }

  private static JobView view(Job j, String input, String output, List<String> children, String reason) {
    boolean waiting = j.status() == JobStatus.Pending || j.status() == JobStatus.Retrying;
    boolean held = j.status() == JobStatus.InProgress;
    return new JobView(j.id(), j.status(), j.url(), j.workflow(), input, j.priority(), j.attempt(),
        j.failures(), j.maxAttempts(), time(j.runAt()), j.timeoutMs(), waiting ? null : j.workerId(),
        held ? time(j.leaseUntil()) : null, waiting ? null : j.progress(), waiting ? null : j.progressMessage(),
        output, j.error(), reason, time(j.createdAt()),
        time(j.updatedAt()), time(j.startedAt()), time(j.finishedAt()), j.moduleSha256(), j.pinnedSha256(),
        j.execution(), j.historySteps(), waitingFor(j.waitingFor()), time(j.wakeAt()),
        j.parentSeq() == null ? null : JobId.format(j.parentSeq()), j.parentSeq() == null ? null : j.detached(),
        children == null || children.isEmpty() ? null : children, j.idempotencyKey(),
        j.dispatch().labels().isEmpty() ? null : j.dispatch().labels(), j.dispatch().concurrencyKey(),
        j.dispatch().concurrencyKey() == null ? null : j.dispatch().concurrencyLimit(),
        j.dispatch().concurrencyKey() == null ? null : j.dispatch().policy().wireName());
  }

  /** {@code timer}, {@code signal:<name>}, or {@code job:<id>} ({@code job:job-12}): what a Waiting job waits for. */
  static String waitingFor(String stored) {
    if (stored != null && stored.startsWith("job:")) {
      try {
        return "job:" + JobId.format(Long.parseLong(stored.substring(4)));
      } catch (NumberFormatException e) {
        return stored;
      }
    }
    return stored;
  }

  /**
   * The job without its {@code input} and {@code output}, whose size has no small bound: what the event
   * stream sends every subscriber on every change (a client reads them with {@code GET /api/v1/jobs/{id}}).
   */
  static JobView summary(Job j) {
    return view(j, null, null, null, j.reason());
  }

  static String time(Long epochMillis) {
    return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
  }
}
