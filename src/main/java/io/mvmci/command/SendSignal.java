package io.mvmci.command;

import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import io.mvmci.job.Reasons;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Delivers a signal to a job that has not finished: it is kept, in arrival order, until the job's
 * run consumes it ({@code await_signal}); a job Waiting for a signal of that name wakes. A signal
 * with an idempotency key the job has seen already is answered with the first one and adds nothing,
 * even once the job has finished (a sender's retry must not turn into a conflict).
 *
 * @param payload JSON text
 * @param idempotencyKey the sender's key, or null
 */
public record SendSignal(long at, long seq, String name, String payload, String idempotencyKey) implements Command {
  private static final String BY_KEY = "SELECT id FROM job_signals WHERE job_seq = ? AND idempotency_key = ?";
  private static final String WAITING = "SELECT waiting_for FROM jobs WHERE seq = ?";
  private static final String INSERT = """
      INSERT INTO job_signals (job_seq, name, payload, idempotency_key, at) VALUES (?, ?, ?, ?, ?)""";
  private static final String LAST_ID = "SELECT max(id) FROM job_signals";

  @Override
  public CommandType type() {
    return CommandType.SEND_SIGNAL;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).i64(seq).str(name).str(payload).optStr(idempotencyKey);
  }

  static SendSignal read(WireReader r) {
    return new SendSignal(r.i64(), r.i64(), r.str(), r.str(), r.optStr());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    JobRows.State s = tx.rows.load(seq);
    if (s == null) {
      return new Result.Rejected(Result.Reason.UNKNOWN_JOB, "no job " + JobId.format(seq));
    }
    if (idempotencyKey != null) {
      PreparedStatement find = tx.sql(BY_KEY);
      find.setLong(1, seq);
      find.setString(2, idempotencyKey);
      try (ResultSet rs = find.executeQuery()) {
        if (rs.next()) {
          return new Result.Signaled(rs.getLong(1), true, false);
        }
      }
    }
    if (s.status().isTerminal()) {
      return new Result.Rejected(Result.Reason.ILLEGAL_TRANSITION, JobId.format(seq) + " is already "
          + s.status() + ": it takes no more signals");
    }
    PreparedStatement insert = tx.sql(INSERT);
    insert.setLong(1, seq);
    insert.setString(2, name);
    insert.setString(3, payload);
    Tx.setNullable(insert, 4, idempotencyKey);
    insert.setLong(5, at);
    insert.executeUpdate();
    long id;
    try (ResultSet rs = tx.sql(LAST_ID).executeQuery()) {
      id = rs.getLong(1);
    }
    boolean wake = false;
    if (s.status() == JobStatus.Waiting) {
      PreparedStatement waiting = tx.sql(WAITING);
      waiting.setLong(1, seq);
      try (ResultSet rs = waiting.executeQuery()) {
        wake = rs.next() && ("signal:" + name).equals(rs.getString(1));
      }
    }
    if (wake) {
      JobRows.wake(tx, seq, JobStatus.Waiting, at, s.attempt(), Reasons.woken("signal \"" + name + "\" arrived"));
    }
    return new Result.Signaled(id, false, wake);
  }

  @Override
  public void announce(Result result, Effects effects) {
    // a wake is announced as the entry's follow-up
  }
}
