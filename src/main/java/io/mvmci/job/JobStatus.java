package io.mvmci.job;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The states of a job. The four of SPEC §1 ({@code Pending}, {@code InProgress}, {@code Completed},
 * {@code Failed}) keep their meaning; {@code Retrying} (waiting out a backoff after a failed attempt),
 * {@code Cancelled} and {@code Waiting} (a run that gave its worker back until a timer, a signal or
 * a child job wakes it) are additions. The JSON and SQLite spelling is {@link #name()}.
 *
 * <p>{@link #ALLOWED} is the one table of allowed transitions, in the manner of JobRunr's
 * {@code AllowedJobStateStateChanges}, and it is the code that checks them: every transition the apply
 * path makes goes through {@link #canBecome} (or, for a statement that moves many rows, the set
 * {@link #from} gives its {@code WHERE status IN (...)} clause).
 */
public enum JobStatus {
  Pending,
  InProgress,
  Retrying,
  Completed,
  Failed,
  Cancelled,
  Waiting;

  /**
   * {@code InProgress -> Pending} is a lease that ran out (the worker died) or a worker handing a job
   * back; it does not count as a failed attempt. {@code InProgress -> Waiting} is a run that suspended
   * itself; {@code Waiting -> Pending} wakes it, to be claimed and replayed up to its wait.
   * {@code Failed -> Pending} and {@code Cancelled -> Pending} are a retry asked for over the API
   * ({@code RetryJob}); a Completed job allows nothing.
   */
  private static final Map<JobStatus, Set<JobStatus>> ALLOWED = new EnumMap<>(Map.of(
      Pending, EnumSet.of(InProgress, Cancelled),
      InProgress, EnumSet.of(Completed, Failed, Retrying, Pending, Cancelled, Waiting),
      Retrying, EnumSet.of(InProgress, Cancelled),
      Waiting, EnumSet.of(Pending, Cancelled),
      Completed, EnumSet.noneOf(JobStatus.class),
      Failed, EnumSet.of(Pending),
      Cancelled, EnumSet.of(Pending)));

  public boolean canBecome(JobStatus next) {
    return ALLOWED.get(this).contains(next);
  }

  /** The states that may become {@code to}, in declaration order. */
  public static Set<JobStatus> from(JobStatus to) {
    Set<JobStatus> out = EnumSet.noneOf(JobStatus.class);
    for (JobStatus s : values()) {
      if (s.canBecome(to)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Null if a job in this state may become {@code next}; otherwise the end of a sentence about the
   * job saying it may not, and what it may become instead ("is already Failed, a final state").
   */
  public String refusal(JobStatus next) {
    if (canBecome(next)) {
      return null;
    }
    Set<JobStatus> allowed = ALLOWED.get(this);
    return isTerminal()
        ? "is already " + this + ", a final state"
        : "is " + this + ", which can become " + allowed + " but not " + next;
  }

  /**
   * Finished: Completed, Failed or Cancelled. Nothing a worker or the reaper does moves a finished
   * job; only a retry over the API takes a Failed or Cancelled one back to Pending.
   */
  public boolean isTerminal() {
    return this == Completed || this == Failed || this == Cancelled;
  }

  /** A job a worker may claim (once its run-at time has come). */
  public boolean isRunnable() {
    return canBecome(InProgress);
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
