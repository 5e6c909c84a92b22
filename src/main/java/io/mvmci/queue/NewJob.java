package io.mvmci.queue;

import java.time.Instant;

/**
 * A submission as the API received it, already parsed; {@link JobService#submit} validates it.
 * Null fields take the node's defaults.
 *
 * @param workflow module name (default: the crawler)
 * @param input JSON text of the workflow's input (default: {@code {"url": url}})
 * @param url the job's URL (required by the crawler; http or https)
 * @param runAt the earliest start (default: now)
 * @param moduleSha256 the module version to pin the job to (default: the latest at each claim)
 * @param parentSeq the job whose run spawns this one ({@code spawn_job}), or null
 * @param detached whether a child outlives its parent
 * @param routing the labels the job requires and its concurrency group, as asked (unchecked)
 */
public record NewJob(
    String workflow,
    String input,
    String url,
    Integer priority,
    Instant runAt,
    Integer maxAttempts,
    Long timeoutMs,
    String idempotencyKey,
    String moduleSha256,
    Long parentSeq,
    boolean detached,
    Routing routing) {

  /**
   * What a submission asks of dispatch ({@code labels}, {@code concurrency_key}, {@code
   * concurrency_limit}, {@code concurrency_policy}); nulls take the defaults. Checked on submission.
   */
  public record Routing(java.util.List<String> labels, String concurrencyKey, Integer concurrencyLimit,
      String concurrencyPolicy) {
    public static final Routing NONE = new Routing(null, null, null, null);
  }

  public NewJob(String workflow, String input, String url, Integer priority, Instant runAt, Integer maxAttempts,
      Long timeoutMs, String idempotencyKey, String moduleSha256) {
    this(workflow, input, url, priority, runAt, maxAttempts, timeoutMs, idempotencyKey, moduleSha256, null, false,
        Routing.NONE);
  }

  public NewJob(String workflow, String input, String url, Integer priority, Instant runAt, Integer maxAttempts,
      Long timeoutMs, String idempotencyKey, String moduleSha256, Long parentSeq, boolean detached) {
    this(workflow, input, url, priority, runAt, maxAttempts, timeoutMs, idempotencyKey, moduleSha256, parentSeq,
        detached, Routing.NONE);
  }

  public NewJob {
    routing = routing == null ? Routing.NONE : routing;
  }

  /** This submission with {@code r} as what it asks of dispatch. */
  public NewJob withRouting(Routing r) {
    return new NewJob(workflow, input, url, priority, runAt, maxAttempts, timeoutMs, idempotencyKey, moduleSha256,
        parentSeq, detached, r);
  }

  /** This submission as a child of job {@code seq}, under the run's own idempotency key. */
  public NewJob asChildOf(long seq, String key, boolean detach) {
    return new NewJob(workflow, input, url, priority, runAt, maxAttempts, timeoutMs, key, moduleSha256, seq, detach,
        routing);
  }

  /** The SPEC §1 submission: the crawler on a URL. */
  public static NewJob crawl(String url) {
    return new NewJob(null, null, url, null, null, null, null, null, null);
  }
}
