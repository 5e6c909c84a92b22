package io.mvmci.command;

import io.mvmci.job.ConcurrencyPolicy;
import io.mvmci.job.JobId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A claim's view of the concurrency groups it meets: who holds each group's slots, read once per
 * group and kept up to date as the claim picks jobs and cancels holders. Applies {@link
 * ConcurrencyPolicy} when a candidate's group is full.
 *
 * <p>Holders of a group (see {@link io.mvmci.job.Dispatch}): its jobs that are InProgress or
 * Waiting, or Pending with history (a run to resume). A candidate that is itself a holder (a run
 * resuming after its lease ran out or it was woken) is never refused by its own group.
 */
final class ConcurrencyGroups {
  private static final String HOLDERS = """
      SELECT seq FROM jobs INDEXED BY jobs_by_group
      WHERE concurrency_key = ? AND concurrency_key IS NOT NULL
        AND status IN ('Pending', 'InProgress', 'Retrying', 'Waiting')
        AND (status IN ('InProgress', 'Waiting') OR (status = 'Pending' AND history_steps > 0))
      ORDER BY seq""";
  private static final String NEWEST = """
      SELECT max(seq) FROM jobs INDEXED BY jobs_by_group
      WHERE concurrency_key = ? AND concurrency_key IS NOT NULL
        AND status IN ('Pending', 'InProgress', 'Retrying', 'Waiting')""";

  /** What the claim does with a candidate. */
  enum Verdict { TAKE, PASS_OVER, CANCELLED }

  private final Tx tx;
  private final long at;
  private final Map<String, List<Long>> holders = new HashMap<>();
  private final List<Long> picked = new ArrayList<>();
  private boolean cancelledAny;

  ConcurrencyGroups(Tx tx, long at) {
    this.tx = tx;
    this.at = at;
  }

  /** Forgets what was read and picked (the claim looks again from the start). */
  void reset() {
    holders.clear();
    picked.clear();
    cancelledAny = false;
  }

  /** Whether a job was cancelled since the last reset: the claim's candidates must be read again. */
  boolean cancelledAny() {
    return cancelledAny;
  }

  /**
   * Whether the claim may take job {@code seq} of group {@code key}; if so, the job now holds a slot.
   * A full group applies {@code policy}: queue passes the job over (it stays Pending, its reason
   * saying why), skip cancels it, cancel_in_progress cancels it if a newer job of the group is
   * unfinished and otherwise cancels the group's oldest holders to make room.
   */
  Verdict admit(long seq, String key, int limit, ConcurrencyPolicy policy, String reason) throws SQLException {
    if (key == null) {
      return Verdict.TAKE;
    }
    List<Long> held = holdersOf(key);
    if (held.contains(seq)) {
      picked.add(seq);
      return Verdict.TAKE;
    }
    if (held.size() < limit) {
      held.add(seq);
      picked.add(seq);
      return Verdict.TAKE;
    }
    String holding = holding(held);
    switch (policy) {
      case QUEUE -> {
        say(seq, "waiting for a slot in concurrency group " + key + " (limit " + limit + ", held by " + holding
            + ")", reason);
        return Verdict.PASS_OVER;
      }
      case SKIP -> {
        cancel(seq, "concurrency group " + key + " (full: limit " + limit + ", held by " + holding
            + "; policy skip, so this job is not run)");
        return Verdict.CANCELLED;
      }
      default -> {
        long newest = newest(key);
        if (newest > seq) {
          cancel(seq, "concurrency group " + key + " (superseded by newer " + JobId.format(newest)
              + "; policy cancel_in_progress)");
          return Verdict.CANCELLED;
        }
        List<Long> older = new ArrayList<>();
        for (long h : held) {
          if (h < seq && !picked.contains(h)) {
            older.add(h);
          }
        }
        if (held.size() - older.size() >= limit) {
          say(seq, "waiting for a slot in concurrency group " + key + " (limit " + limit + ", held by " + holding
              + ")", reason);
          return Verdict.PASS_OVER;
        }
        for (int k = 0; held.size() >= limit; k++) {
          long victim = older.get(k);
          cancel(victim, "concurrency group " + key + " (superseded by newer " + JobId.format(seq)
              + "; policy cancel_in_progress)");
          held.remove(victim);
        }
        held.add(seq);
        picked.add(seq);
        return Verdict.TAKE;
      }
    }
  }

  private List<Long> holdersOf(String key) throws SQLException {
    List<Long> held = holders.get(key);
    if (held == null) {
      held = new ArrayList<>();
      PreparedStatement ps = tx.sql(HOLDERS);
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          held.add(rs.getLong(1));
        }
      }
      holders.put(key, held);
    }
    return held;
  }

  private long newest(String key) throws SQLException {
    PreparedStatement ps = tx.sql(NEWEST);
    ps.setString(1, key);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  private static String holding(List<Long> held) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < Math.min(3, held.size()); i++) {
      ids.add(JobId.format(held.get(i)));
    }
    return String.join(", ", ids) + (held.size() > 3 ? " and " + (held.size() - 3) + " more" : "");
  }

  private static final String SAY = "UPDATE jobs SET reason = ? WHERE seq = ?";

  /** A job passed over keeps its status; its reason says why (written only when it changes). */
  private void say(long seq, String why, String current) throws SQLException {
    if (why.equals(current)) {
      return;
    }
    PreparedStatement ps = tx.sql(SAY);
    ps.setString(1, why);
    ps.setLong(2, seq);
    ps.executeUpdate();
  }

  private void cancel(long seq, String by) throws SQLException {
    Result r = new CancelJob(at, seq, by).apply(tx);
    if (!(r instanceof Result.Done)) {
      throw new IllegalStateException("cancel of " + JobId.format(seq) + " for its group: " + r);
    }
    tx.followUp(e -> e.jobCancelled(seq, at));
    cancelledAny = true;
  }
}
