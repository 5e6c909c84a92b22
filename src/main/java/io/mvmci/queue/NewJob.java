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
    String moduleSha256) {

  /** The SPEC §1 submission: the crawler on a URL. */
  public static NewJob crawl(String url) {
    return new NewJob(null, null, url, null, null, null, null, null, null);
  }
}
