package io.mvmci.job;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The states of a job. The four of SPEC §1 ({@code Pending}, {@code InProgress}, {@code Completed},
 * {@code Failed}) keep their meaning; {@code Retrying} (waiting out a backoff after a failed attempt)
 * and {@code Cancelled} are additions. The JSON and SQLite spelling is {@link #name()}.
 */
public enum JobStatus {
  Pending,
  InProgress,
  Retrying,
  Completed,
  Failed,
  Cancelled;

  private static final Map<JobStatus, Set<JobStatus>> ALLOWED = Map.of(
      Pending, EnumSet.of(InProgress, Cancelled),
      InProgress, EnumSet.of(Completed, Failed, Retrying, Pending, Cancelled),
      Retrying, EnumSet.of(InProgress, Cancelled),
      Completed, EnumSet.noneOf(JobStatus.class),
      Failed, EnumSet.noneOf(JobStatus.class),
      Cancelled, EnumSet.noneOf(JobStatus.class));

  /**
   * The one table of allowed transitions. {@code InProgress -> Pending} is a lease that ran out
   * (the worker died) or a worker handing a job back; it does not count as a failed attempt.
   */
  public boolean canBecome(JobStatus next) {
    return ALLOWED.get(this).contains(next);
  }

  public boolean isTerminal() {
    return ALLOWED.get(this).isEmpty();
  }

  /** A job a worker may claim (once its run-at time has come). */
  public boolean isRunnable() {
    return this == Pending || this == Retrying;
  }

  /** Parses a status name as the API spells it, ignoring case; null if there is none. */
  public static JobStatus parse(String s) {
    for (JobStatus v : values()) {
      if (v.name().equalsIgnoreCase(s)) {
        return v;
      }
    }
    return null;
  }
}
