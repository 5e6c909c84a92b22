package io.mvmci.worker;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": the n-th failure waits between half and all of
 * {@code min(max, base * 2^(n-1))}, so retries of many jobs that failed together spread out.
 */
final class Backoff {
  private Backoff() {}

  static long delayMs(int failures, long baseMs, long maxMs, RandomGenerator random) {
    int n = Math.max(1, failures);
    long ceiling = n > 30 ? maxMs : Math.min(maxMs, baseMs << (n - 1));
    long half = ceiling / 2;
    return half + (half > 0 ? random.nextLong(half + 1) : 0);
  }
}
