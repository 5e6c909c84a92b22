package io.mvmci.command;

import io.mvmci.job.JobStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The leader's retention sweep, at {@code at} by the leader's clock: deletes up to {@code max} jobs
 * that finished (Completed, Failed or Cancelled) before {@code finishedBefore}, oldest first, with
 * their events, logs and artifact rows (each node sweeps the blobs no row refers to any more). Their idempotency keys go with them. Pending, Retrying and InProgress jobs
 * are never touched.
 */
public record PurgeJobs(long at, long finishedBefore, int max) implements Command {
  private static final String PURGEABLE = """
      SELECT seq, status FROM jobs INDEXED BY jobs_finished
      WHERE status IN ('Completed', 'Failed', 'Cancelled') AND finished_at < ?
      ORDER BY finished_at, seq LIMIT ?""";
  private static final List<String> DELETE = List.of(
      "DELETE FROM job_events WHERE job_seq = ?",
      "DELETE FROM job_steps WHERE job_seq = ?",
      "DELETE FROM job_signals WHERE job_seq = ?",
      "DELETE FROM job_logs WHERE job_seq = ?",
      "DELETE FROM job_artifacts WHERE job_seq = ?",
      "DELETE FROM jobs WHERE seq = ?");

  public PurgeJobs {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, not " + max);
    }
  }

  @Override
  public CommandType type() {
    return CommandType.PURGE_JOBS;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).i64(finishedBefore).i32(max);
  }

  static PurgeJobs read(WireReader r) {
    long at = r.i64();
    long before = r.i64();
    int max = r.i32();
    if (max < 1) {
      throw new MalformedCommandException("purge max " + max);
    }
    return new PurgeJobs(at, before, max);
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    List<Long> seqs = new ArrayList<>();
    List<JobStatus> statuses = new ArrayList<>();
    PreparedStatement purgeable = tx.sql(PURGEABLE);
    purgeable.setLong(1, finishedBefore);
    purgeable.setInt(2, max);
    try (ResultSet rs = purgeable.executeQuery()) {
      while (rs.next()) {
        seqs.add(rs.getLong(1));
        statuses.add(JobStatus.valueOf(rs.getString(2)));
      }
    }
    for (int i = 0; i < seqs.size(); i++) {
      for (String sql : DELETE) {
        PreparedStatement delete = tx.sql(sql);
        delete.setLong(1, seqs.get(i));
        delete.executeUpdate();
      }
      tx.removed(statuses.get(i));
    }
    return new Result.Purged(seqs.size());
  }

  @Override
  public void announce(Result result, Effects effects) {
    // deleted jobs were finished: nothing waits for them
  }
}
