package io.mvmci.schedule;

import io.mvmci.command.FireSchedule;
import io.mvmci.command.ScheduleSpec.CatchUp;

/**
 * What the leader proposes for a schedule that is due: pure functions of the schedule's cron, its
 * catch-up policy, its {@code next_fire_at} ({@code due}) and the leader's clock ({@code now}).
 *
 * <ul>
 *   <li>A fire time at most {@code graceMs} old ({@code [jobs] schedule_grace_ms}, default
 *       {@value #GRACE_MS} ms) fires as scheduled (a leader change, a slow
 *       tick): {@code SCHEDULED}, then the next time after it. A per-second schedule behind by a few
 *       seconds therefore fires each of those seconds, one after another.</li>
 *   <li>Fire times older than that passed while no leader fired them (the cluster was down, or had no
 *       quorum). With catch-up {@code none} they are passed over ({@code MISSED}, counted) and the
 *       schedule goes on from the first time within the grace, which fires as scheduled if it has
 *       come. With {@code last} the latest of them fires once ({@code CATCH_UP}) unless a time within
 *       the grace is due anyway (that one is the latest run then).</li>
 * </ul>
 */
public final class FirePlan {
  /** How late a fire may be and still be made as scheduled, unless configured otherwise. */
  public static final long GRACE_MS = 60_000;
  /** Missed fire times counted per fire; beyond it the count says "at least". */
  static final int MAX_COUNTED = 10_000;
  /** Windows looked back through, shortest first, for the latest missed fire time. */
  private static final long[] WINDOWS = {60_000L, 3_600_000L, 86_400_000L, 32 * 86_400_000L, 366 * 86_400_000L,
      5 * 366 * 86_400_000L};

  private FirePlan() {}

  /** {@link #plan(String, Cron, CatchUp, long, long, long)} with the default grace. */
  public static FireSchedule plan(String id, Cron cron, CatchUp catchUp, long due, long now) {
    return plan(id, cron, catchUp, due, now, GRACE_MS);
  }

  /**
   * The fire to propose for schedule {@code id} due at {@code due}, or null if it is not due at {@code now};
   * fire times up to {@code graceMs} old fire as scheduled.
   */
  public static FireSchedule plan(String id, Cron cron, CatchUp catchUp, long due, long now, long graceMs) {
    if (due > now) {
      return null;
    }
    if (now - due <= graceMs) {
      return new FireSchedule(now, id, FireSchedule.Kind.SCHEDULED, due, due, cron.next(due), 0);
    }
    long horizon = now - graceMs;
    int missed = 0;
    long t = due;
    while (t >= 0 && t < horizon && missed < MAX_COUNTED) {
      missed++;
      t = cron.next(t);
    }
    long first = t >= 0 && t < horizon ? cron.next(horizon - 1) : t; // the first time within the grace, or -1
    if (catchUp == CatchUp.LAST && (first < 0 || first > now)) {
      long latest = latestBefore(cron, due, horizon);
      return new FireSchedule(now, id, FireSchedule.Kind.CATCH_UP, due, latest, first, missed - 1);
    }
    return new FireSchedule(now, id, FireSchedule.Kind.MISSED, due, due, first, missed);
  }

  /** A manual fire (trigger now): a job for {@code now}; the schedule's own times do not move. */
  public static FireSchedule now(String id, long now) {
    return new FireSchedule(now, id, FireSchedule.Kind.MANUAL, -1, now, -1, 0);
  }

  /** The latest fire time in {@code [from, before)}; there is one ({@code from} itself). */
  static long latestBefore(Cron cron, long from, long before) {
    for (long window : WINDOWS) {
      long start = Math.max(from, before - window);
      long t = cron.next(start - 1);
      if (t >= 0 && t < before) {
        long latest = t;
        for (long n = cron.next(t); n >= 0 && n < before; n = cron.next(n)) {
          latest = n;
        }
        return latest;
      }
      if (start == from) {
        break;
      }
    }
    return from;
  }
}
