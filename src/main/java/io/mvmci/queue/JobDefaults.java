package io.mvmci.queue;

/**
 * What a submission gets when it does not say, and the bounds it must stay within.
 *
 * @param workflow the module a job runs when it names none (the crawler)
 * @param maxInputBytes the largest input, in bytes of JSON text
 */
public record JobDefaults(
    String workflow,
    int maxAttempts,
    long timeoutMs,
    int maxInputBytes) {

  public static final JobDefaults STANDARD = new JobDefaults("crawler", 3, 300_000, 64 * 1024);

  static final int MAX_URL_CHARS = 2048;
  static final int MAX_PRIORITY = 1_000;
  static final int MAX_ATTEMPTS = 100;
  static final long MIN_TIMEOUT_MS = 1_000;
  static final long MAX_TIMEOUT_MS = 24 * 3_600_000L;
  static final long MAX_DELAY_MS = 366 * 24 * 3_600_000L;
  static final int MAX_KEY_CHARS = 255;
}
