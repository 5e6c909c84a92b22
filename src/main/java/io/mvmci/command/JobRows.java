package io.mvmci.command;

import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;

/** Row access shared by the commands' apply: a job's claim state, and its event history. */
final class JobRows {
  /** The columns that decide whether a command may change a job. */
  record State(long seq, JobStatus status, int attempt, int failures, int maxAttempts, String workerId,
      Long startedAt, Long leaseUntil) {

    /** Null if {@code worker} holds the current claim {@code ref}; otherwise why not. */
    String staleness(String worker, JobRef ref) {
      if (status != JobStatus.InProgress) {
        return JobId.format(seq) + " is " + status + ", not running";
      }
      if (attempt != ref.attempt() || !worker.equals(workerId)) {
        return "claim " + ref.attempt() + " of " + JobId.format(seq) + " by " + worker
            + " is stale: attempt " + attempt + " runs on " + workerId;
      }
      return null;
    }
  }

  /**
   * Why {@code worker}'s report on its claim {@code ref} may not make the job {@code to}: it is
   * unknown ({@code UNKNOWN_JOB}), the transition table forbids it ({@code ILLEGAL_TRANSITION}, say
   * the job was cancelled), or the claim is not the current one ({@code STALE_CLAIM}). Null if it may.
   */
  static Result.Rejected refuseReport(State s, long seq, String worker, JobRef ref, JobStatus to) {
    if (s == null) {
      return new Result.Rejected(Result.Reason.UNKNOWN_JOB, "no job " + JobId.format(seq));
    }
    Result.Rejected illegal = Tx.illegal(seq, s.status(), to);
    if (illegal != null) {
      return illegal;
    }
    String stale = s.staleness(worker, ref);
    return stale == null ? null : new Result.Rejected(Result.Reason.STALE_CLAIM, stale);
  }

  private static final String WAKE = """
      UPDATE jobs SET status = 'Pending', waiting_for = NULL, wake_at = NULL, lease_until = NULL, run_at = ?1,
                      updated_at = ?1, reason = ?2
      WHERE seq = ?3""";
  private static final String WAITING_ON = """
      SELECT seq, attempt, waiting_for FROM jobs INDEXED BY jobs_waiting_for
      WHERE status = 'Waiting' AND waiting_for IN (SELECT 'job:' || value FROM json_each(?))
      ORDER BY seq""";
  private static final String CHILDREN_LEFT = """
      SELECT seq, status, attempt, parent_seq FROM jobs INDEXED BY jobs_children
      WHERE parent_seq IN (SELECT value FROM json_each(?)) AND detached = 0
        AND status IN ('Pending', 'InProgress', 'Retrying', 'Waiting')
      ORDER BY seq""";
  private static final String CANCEL = """
      UPDATE jobs SET status = 'Cancelled', lease_until = NULL, waiting_for = NULL, wake_at = NULL,
                      finished_at = ?1, updated_at = ?1, reason = ?2
      WHERE seq = ?3""";
  static final String ANY_GROUP = """
      SELECT 1 FROM jobs INDEXED BY jobs_by_group WHERE concurrency_key IS NOT NULL
        AND status IN ('Pending', 'InProgress', 'Retrying', 'Waiting') LIMIT 1""";
  static final String ANY_CHILD = "SELECT 1 FROM jobs INDEXED BY jobs_children WHERE parent_seq IS NOT NULL LIMIT 1";
  static final String ANY_JOB_WAIT = """
      SELECT 1 FROM jobs INDEXED BY jobs_waiting_for WHERE status = 'Waiting' AND waiting_for LIKE 'job:%' LIMIT 1""";

  /**
   * Makes a job Pending again (claimable at once), from {@code from} (Waiting, or InProgress for a
   * suspension whose wait was over before it began): the table must allow it.
   */
  static void wake(Tx tx, long seq, JobStatus from, long at, int attempt, String reason) throws SQLException {
    if (Tx.illegal(seq, from, JobStatus.Pending) != null) {
      throw new IllegalStateException("wake of " + JobId.format(seq) + " from " + from);
    }
    PreparedStatement ps = tx.sql(WAKE);
    ps.setLong(1, at);
    ps.setString(2, reason);
    ps.setLong(3, seq);
    ps.executeUpdate();
    tx.rows.event(seq, at, JobStatus.Pending, attempt, reason);
    tx.moved(from, JobStatus.Pending);
    tx.followUp(Effects::workReady);
  }

  /**
   * Jobs reached a final state at {@code at}: the runs waiting for any of them wake, and their
   * children that are not detached and have not finished are cancelled (and theirs, in turn). Each
   * part costs one cached flag while no run waits for a job and no job has a parent.
   */
  static void ended(Tx tx, long[] seqs, long at) throws SQLException {
    if (tx.anyGroups()) {
      tx.followUp(Effects::workReady); // a slot of a concurrency group may have freed
    }
    if (tx.anyJobWaits()) {
      wakeWaitersOn(tx, seqs, at);
    }
    if (tx.anyChildren()) {
      cancelChildrenOf(tx, seqs, at);
    }
  }

  static void ended(Tx tx, long seq, long at) throws SQLException {
    ended(tx, new long[] {seq}, at);
  }

  private static void wakeWaitersOn(Tx tx, long[] finished, long at) throws SQLException {
    record Waiter(long seq, int attempt, String waitingFor) {}
    List<Waiter> waiters = new ArrayList<>();
    PreparedStatement ps = tx.sql(WAITING_ON);
    ps.setString(1, jsonArray(finished));
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        waiters.add(new Waiter(rs.getLong(1), rs.getInt(2), rs.getString(3)));
      }
    }
    for (Waiter w : waiters) {
      String child = JobId.format(Long.parseLong(w.waitingFor().substring(4)));
      wake(tx, w.seq(), JobStatus.Waiting, at, w.attempt(), io.mvmci.job.Reasons.woken(child + " finished"));
    }
  }

  private static void cancelChildrenOf(Tx tx, long[] parents, long at) throws SQLException {
    record Child(long seq, JobStatus status, int attempt, long parent) {}
    List<Child> children = new ArrayList<>();
    PreparedStatement ps = tx.sql(CHILDREN_LEFT);
    ps.setString(1, jsonArray(parents));
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        children.add(new Child(rs.getLong(1), JobStatus.valueOf(rs.getString(2)), rs.getInt(3), rs.getLong(4)));
      }
    }
    if (children.isEmpty()) {
      return;
    }
    long[] cancelled = new long[children.size()];
    for (int k = 0; k < cancelled.length; k++) {
      Child c = children.get(k);
      String reason = io.mvmci.job.Reasons.parentEnded(JobId.format(c.parent()), c.status());
      PreparedStatement cancel = tx.sql(CANCEL);
      cancel.setLong(1, at);
      cancel.setString(2, reason);
      cancel.setLong(3, c.seq());
      cancel.executeUpdate();
      tx.rows.event(c.seq(), at, JobStatus.Cancelled, c.attempt(), reason);
      tx.moved(c.status(), JobStatus.Cancelled);
      long seq = c.seq();
      tx.followUp(e -> e.jobCancelled(seq, at));
      cancelled[k] = seq;
    }
    ended(tx, cancelled, at);
  }

  /** Whether {@code sql} (a {@code SELECT 1 ... LIMIT 1}) finds a row. */
  static boolean exists(Tx tx, String sql) throws SQLException {
    try (ResultSet rs = tx.sql(sql).executeQuery()) {
      return rs.next();
    }
  }

  private static final String LOAD = """
      SELECT status, attempt, failures, max_attempts, worker_id, started_at, lease_until
      FROM jobs WHERE seq = ?""";
  private static final String EVENT =
      "INSERT INTO job_events (job_seq, at, status, attempt, reason) VALUES (?, ?, ?, ?, ?)";
  /** A claim's event also names the module version that attempt runs. */
  private static final String COPY = """
      INSERT INTO job_events (job_seq, at, status, attempt, reason, module_sha256)
      SELECT seq, updated_at, status, attempt, reason,
             CASE status WHEN 'InProgress' THEN module_sha256 END
      FROM jobs""";
  private static final String EVENTS_OF_RANGE = COPY + " WHERE seq BETWEEN ? AND ? ORDER BY seq";
  private static final String EVENTS_OF = COPY
      + " WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY seq";

  private final Tx tx;

  JobRows(Tx tx) {
    this.tx = tx;
  }

  /** The job's state, or null if there is no such job. */
  State load(long seq) throws SQLException {
    PreparedStatement load = tx.sql(LOAD);
    load.setLong(1, seq);
    try (ResultSet rs = load.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      long started = rs.getLong(6);
      Long startedAt = rs.wasNull() ? null : started;
      long lease = rs.getLong(7);
      Long leaseUntil = rs.wasNull() ? null : lease;
      return new State(seq, JobStatus.valueOf(rs.getString(1)), rs.getInt(2), rs.getInt(3), rs.getInt(4),
          rs.getString(5), startedAt, leaseUntil);
    }
  }

  void event(long seq, long at, JobStatus status, int attempt, String reason) throws SQLException {
    PreparedStatement event = tx.sql(EVENT);
    event.setLong(1, seq);
    event.setLong(2, at);
    event.setString(3, status.name());
    event.setInt(4, attempt);
    event.setString(5, reason);
    event.executeUpdate();
  }

  /**
   * Records the current state of every job from {@code first} to {@code last} as its latest event,
   * in seq order, as the rows say it (updated_at, status, attempt, reason): for transitions whose
   * rows a statement just wrote, with the reason worded in SQL.
   */
  void eventsOfRange(long first, long last) throws SQLException {
    PreparedStatement ps = tx.sql(EVENTS_OF_RANGE);
    ps.setLong(1, first);
    ps.setLong(2, last);
    ps.executeUpdate();
  }

  /** {@link #eventsOfRange} for the jobs {@code seqs}, in one statement whatever their number. */
  void eventsOf(long[] seqs) throws SQLException {
    PreparedStatement ps = tx.sql(EVENTS_OF);
    ps.setString(1, jsonArray(seqs));
    ps.executeUpdate();
  }

  /** {@code [1,2,3]}: a set of jobs as one parameter, for {@code json_each(?)}. */
  static String jsonArray(long[] seqs) {
    StringBuilder b = new StringBuilder(seqs.length * 8).append('[');
    for (int k = 0; k < seqs.length; k++) {
      b.append(k == 0 ? "" : ",").append(seqs[k]);
    }
    return b.append(']').toString();
  }
}
