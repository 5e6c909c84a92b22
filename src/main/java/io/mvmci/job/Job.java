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
 * @param pinnedSha256 the module version the job was pinned to at submission, or null for the latest
 * @param execution the current execution: a retry after a failure starts the next, with a fresh
 *     history; a resumed attempt continues the current one
 * @param historySteps the steps the current execution's replicated history holds
 * @param waitingFor while Waiting: {@code timer}, {@code signal:<name>} or {@code job:<seq>}; else null
 * @param wakeAt while Waiting: when its timer is due or its wait times out, or null for never
 * @param parentSeq the job whose run spawned this one, or null
 * @param detached whether this child outlives its parent
 * @param dispatch the labels the job requires and its concurrency group
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
    String moduleSha256,
    String pinnedSha256,
    int execution,
    int historySteps,
    String waitingFor,
    Long wakeAt,
    Long parentSeq,
    boolean detached,
    Dispatch dispatch) {

  public String id() {
    return JobId.format(seq);
  }
}
