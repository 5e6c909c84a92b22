package io.mvmci.command;

import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.PreparedStatement;

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
