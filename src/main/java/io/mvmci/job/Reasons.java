package io.mvmci.job;

import java.time.Instant;

/**
 * The sentences a person reads to learn why a job is in its state. They are written on the apply
 * path, so they are pure functions of their arguments (never of the clock).
 */
public final class Reasons {
  private Reasons() {}

  public static String submitted(long at, long runAt) {
    return runAt > at ? "submitted; waits until " + Instant.ofEpochMilli(runAt) : "submitted";
  }

  public static String claimed(String worker, int attempt) {
    return "running on " + worker + " (attempt " + attempt + ")";
  }

  public static String completed(long tookMs) {
    return "completed in " + seconds(tookMs);
  }

  public static String retrying(int attempt, String error, int failures, int maxAttempts, long retryAt) {
    return "attempt " + attempt + " failed: " + error + "; retrying at " + Instant.ofEpochMilli(retryAt)
        + " (" + failures + " of " + maxAttempts + " failures used)";
  }

  public static String failed(int attempt, String error, boolean retryable, int failures) {
    return retryable
        ? "failed after " + failures + (failures == 1 ? " failure" : " failures") + "; last: " + error
        : "attempt " + attempt + " failed and is not retryable: " + error;
  }

  public static String released(String worker, String why) {
    return "handed back by " + worker + " (" + why + "); waiting for a worker";
  }

  public static String cancelled(String by, JobStatus from) {
    return "cancelled by " + by + " while " + from;
  }

  /** A child job that was not detached ends with its parent. */
  public static String parentEnded(String parent, JobStatus from) {
    return "cancelled because its parent " + parent + " ended (a child that is not detached ends with it)"
        + " while " + from;
  }

  public static String retried(String by, JobStatus from) {
    return "retried by " + by + " (was " + from + "); waiting for a worker";
  }

  public static String leaseExpired(String worker, long leaseUntil, int failures, int maxAttempts) {
    String what = "worker " + worker + " stopped renewing its lease (expired "
        + Instant.ofEpochMilli(leaseUntil) + ")";
    return failures < maxAttempts
        ? what + "; back in the queue (" + failures + " of " + maxAttempts + " failures used)"
        : what + "; no attempts left after " + failures + " failures";
  }

  /** A run gave its worker back until something wakes it. */
  public static String waiting(String waitingFor, long wakeAt) {
    String what = waitingFor.equals("timer") ? "a timer"
        : waitingFor.startsWith("signal:") ? "signal \"" + waitingFor.substring(7) + "\""
        : waitingFor.startsWith("job:") ? JobId.format(Long.parseLong(waitingFor.substring(4))) + " to finish"
        : waitingFor;
    return "waiting for " + what + (wakeAt >= 0 ? (waitingFor.equals("timer") ? " due at " : " until ")
        + Instant.ofEpochMilli(wakeAt) : "");
  }

  /** A waiting run is claimable again. */
  public static String woken(String why) {
    return "woken: " + why + "; waiting for a worker";
  }

  static String seconds(long ms) {
    return ms < 1000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.3f s", ms / 1000.0);
  }
}
