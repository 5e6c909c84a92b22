package io.mvmci.command;

import io.mvmci.job.JobStatus;
import io.mvmci.job.Reasons;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The leader's reaper, at {@code at} by the leader's clock: every InProgress job whose lease ended
 * before {@code at} lost its worker; it counts a failure and goes back to the queue (or is Failed if
 * it has none left). Every worker not heard from since {@code deadBefore} is marked dead.
 */
public record ExpireLeases(long at, long deadBefore) implements Command {
  private static final String EXPIRED = """
      SELECT seq FROM jobs INDEXED BY jobs_leased
      WHERE status = 'InProgress' AND lease_until < ? ORDER BY seq""";
  private static final String REQUEUE = """
      UPDATE jobs SET status = 'Pending', failures = ?, run_at = ?, lease_until = NULL,
                      updated_at = ?, reason = ?
      WHERE seq = ?""";
  private static final String FAIL = """
      UPDATE jobs SET status = 'Failed', failures = ?, lease_until = NULL, error = ?,
                      finished_at = ?, updated_at = ?, reason = ?
      WHERE seq = ?""";
  private static final String DEAD =
      "UPDATE heartbeats SET status = 'dead' WHERE status = 'alive' AND last_seen < ?";

  @Override
  public CommandType type() {
    return CommandType.EXPIRE_LEASES;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).i64(deadBefore);
  }

  static ExpireLeases read(WireReader r) {
    return new ExpireLeases(r.i64(), r.i64());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    List<Long> seqs = new ArrayList<>();
    PreparedStatement expired = tx.sql(EXPIRED);
    expired.setLong(1, at);
    try (ResultSet rs = expired.executeQuery()) {
      while (rs.next()) {
        seqs.add(rs.getLong(1));
      }
    }
    int taken = 0;
    for (long seq : seqs) {
      JobRows.State s = tx.rows.load(seq);
      int failures = s.failures() + 1;
      JobStatus to = failures < s.maxAttempts() ? JobStatus.Pending : JobStatus.Failed;
      if (Tx.illegal(seq, s.status(), to) != null) {
        continue; // the query only finds InProgress jobs, which may become either
      }
      String reason = Reasons.leaseExpired(s.workerId(), s.leaseUntil(), failures, s.maxAttempts());
      PreparedStatement ps;
      if (to == JobStatus.Pending) {
        ps = tx.sql(REQUEUE);
        ps.setInt(1, failures);
        ps.setLong(2, at);
        ps.setLong(3, at);
        ps.setString(4, reason);
        ps.setLong(5, seq);
      } else {
        ps = tx.sql(FAIL);
        ps.setInt(1, failures);
        ps.setString(2, "lease expired on " + s.workerId());
        ps.setLong(3, at);
        ps.setLong(4, at);
        ps.setString(5, reason);
        ps.setLong(6, seq);
      }
      ps.executeUpdate();
      tx.rows.event(seq, at, to, s.attempt(), reason);
      tx.moved(s.status(), to);
      if (to == JobStatus.Failed) {
        JobRows.ended(tx, seq, at);
      }
      taken++;
    }
    PreparedStatement dead = tx.sql(DEAD);
    dead.setLong(1, deadBefore);
    int workers = dead.executeUpdate();
    return new Result.Expired(taken, workers);
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Expired e && e.jobs() > 0) {
      effects.leasesExpired(e.jobs());
      effects.workReady();
    }
  }
}
