package io.mvmci.store;

import io.mvmci.command.JobRef;
import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Row access shared by the apply handlers: a job's claim state, and its event history. */
final class JobRows implements AutoCloseable {
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

  private final PreparedStatement load;
  private final PreparedStatement event;
  private final PreparedStatement eventsOfRange;
  private final PreparedStatement eventsOf;

  JobRows(Connection w) throws SQLException {
    load = w.prepareStatement("""
        SELECT status, attempt, failures, max_attempts, worker_id, started_at, lease_until
        FROM jobs WHERE seq = ?""");
    event = w.prepareStatement(
        "INSERT INTO job_events (job_seq, at, status, attempt, reason) VALUES (?, ?, ?, ?, ?)");
    eventsOfRange = w.prepareStatement("""
        INSERT INTO job_events (job_seq, at, status, attempt, reason)
        SELECT seq, updated_at, status, attempt, reason FROM jobs WHERE seq BETWEEN ? AND ? ORDER BY seq""");
    eventsOf = w.prepareStatement("""
        INSERT INTO job_events (job_seq, at, status, attempt, reason)
        SELECT seq, updated_at, status, attempt, reason FROM jobs
        WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY seq""");
  }

  /** The job's state, or null if there is no such job. */
  State load(long seq) throws SQLException {
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
    eventsOfRange.setLong(1, first);
    eventsOfRange.setLong(2, last);
    eventsOfRange.executeUpdate();
  }

  /** {@link #eventsOfRange} for the jobs {@code seqs}, in one statement whatever their number. */
  void eventsOf(long[] seqs) throws SQLException {
    eventsOf.setString(1, jsonArray(seqs));
    eventsOf.executeUpdate();
  }

  /** {@code [1,2,3]}: a set of jobs as one parameter, for {@code json_each(?)}. */
  static String jsonArray(long[] seqs) {
    StringBuilder b = new StringBuilder(seqs.length * 8).append('[');
    for (int k = 0; k < seqs.length; k++) {
      b.append(k == 0 ? "" : ",").append(seqs[k]);
    }
    return b.append(']').toString();
  }

  @Override
  public void close() throws SQLException {
    load.close();
    event.close();
    eventsOfRange.close();
    eventsOf.close();
  }
}
