package io.mvmci.job;

/**
 * A job as the queue holds it. Times are milliseconds since the Unix epoch, stamped by the node
 * that proposed the change. {@code input} and {@code output} are JSON text by convention.
 *
 * @param attempt claims so far; the current claim's fencing token
 * @param failures attempts that failed or lost their lease; the job is Failed when this reaches
 *     {@code maxAttempts}
 * @param reason a sentence a person can read saying why the job is in its current state
 * @param moduleSha256 the module version the current (or last) attempt runs, as its claim decided;
 *     null until the first claim
 */
public record Job(
    long seq,
    JobStatus status,
    String workflow,
    String input,
    String url,
    int priority,
    long runAt,
    int attempt,
    int failures,
    int maxAttempts,
    long timeoutMs,
    String workerId,
    Long leaseUntil,
    Integer progress,
    String progressMessage,
    String output,
    String error,
    String reason,
    String idempotencyKey,
    long createdAt,
    long updatedAt,
    Long startedAt,
    Long finishedAt,
    String moduleSha256) {

  public String id() {
    return JobId.format(seq);
  }
}
