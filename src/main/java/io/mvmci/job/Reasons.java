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
}
