package io.mvmci.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.mvmci.job.Job;
import io.mvmci.job.JobStatus;
import java.time.Instant;

/**
 * A job as the API shows it. Field names are snake_case on the wire; times are ISO-8601 UTC;
 * {@code input} and {@code output} are embedded as the JSON the queue holds. Absent values are
 * omitted (a job has no {@code progress} until its workflow reports some).
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
    int historySteps) {

  /**
   * A job waiting for a worker (Pending, Retrying) shows no worker, lease or progress: the queue keeps
   * the last holder's in its row (a job handed back or whose lease ran out), but nobody runs it now,
   * and a resumed run reports its progress again. The lease is shown only while a worker holds it.
   */
  static JobView of(Job j) {
    boolean waiting = j.status() == JobStatus.Pending || j.status() == JobStatus.Retrying;
    boolean held = j.status() == JobStatus.InProgress;
    return new JobView(j.id(), j.status(), j.url(), j.workflow(), j.input(), j.priority(), j.attempt(),
        j.failures(), j.maxAttempts(), time(j.runAt()), j.timeoutMs(), waiting ? null : j.workerId(),
        held ? time(j.leaseUntil()) : null, waiting ? null : j.progress(), waiting ? null : j.progressMessage(),
        j.output(), j.error(), j.reason(), time(j.createdAt()),
        time(j.updatedAt()), time(j.startedAt()), time(j.finishedAt()), j.moduleSha256(), j.pinnedSha256(),
        j.execution(), j.historySteps());
  }

  static String time(Long epochMillis) {
    return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
  }
}
