package io.mvmci.store;

import io.mvmci.command.Result;
import io.mvmci.command.SubmitJob;
import io.mvmci.job.JobStatus;
import io.mvmci.job.Reasons;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** The job mutations of the apply path, on the writer connection. Deterministic: no clock, no RNG. */
final class JobWriter implements AutoCloseable {
  private final PreparedStatement findByKey;
  private final PreparedStatement insert;
  private final PreparedStatement event;

  JobWriter(Connection w) throws SQLException {
    findByKey = w.prepareStatement("SELECT seq FROM jobs WHERE idempotency_key = ?");
    insert = w.prepareStatement("""
        INSERT INTO jobs (seq, status, workflow, input, url, priority, run_at, attempt, max_attempts,
                          timeout_ms, reason, idempotency_key, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)""");
    event = w.prepareStatement(
        "INSERT INTO job_events (job_seq, at, status, attempt, reason) VALUES (?, ?, ?, ?, ?)");
  }

  Result submit(SubmitJob c, ApplyContext ctx) throws SQLException {
    if (c.idempotencyKey() != null) {
      findByKey.setString(1, c.idempotencyKey());
      try (ResultSet rs = findByKey.executeQuery()) {
        if (rs.next()) {
          return new Result.Submitted(rs.getLong(1), true);
        }
      }
    }
    long seq = ctx.nextJobSeq++;
    long runAt = c.effectiveRunAt();
    String reason = Reasons.submitted(c.at(), runAt);
    int i = 1;
    insert.setLong(i++, seq);
    insert.setString(i++, JobStatus.Pending.name());
    insert.setString(i++, c.workflow());
    insert.setString(i++, c.input());
    setNullable(insert, i++, c.url());
    insert.setInt(i++, c.priority());
    insert.setLong(i++, runAt);
    insert.setInt(i++, c.maxAttempts());
    insert.setLong(i++, c.timeoutMs());
    insert.setString(i++, reason);
    setNullable(insert, i++, c.idempotencyKey());
    insert.setLong(i++, c.at());
    insert.setLong(i, c.at());
    insert.executeUpdate();
    recordEvent(seq, c.at(), JobStatus.Pending, 0, reason);
    ctx.moved(null, JobStatus.Pending);
    return new Result.Submitted(seq, false);
  }

  private void recordEvent(long seq, long at, JobStatus status, int attempt, String reason)
      throws SQLException {
    event.setLong(1, seq);
    event.setLong(2, at);
    event.setString(3, status.name());
    event.setInt(4, attempt);
    event.setString(5, reason);
    event.executeUpdate();
  }

  private static void setNullable(PreparedStatement ps, int i, String v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.VARCHAR);
    } else {
      ps.setString(i, v);
    }
  }

  @Override
  public void close() throws SQLException {
    findByKey.close();
    insert.close();
    event.close();
  }
}
