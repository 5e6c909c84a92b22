package io.mvmci.command;

import io.mvmci.job.JobStatus;
import io.mvmci.job.Reasons;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A run under a current claim failed. If the failure is {@code retryable} and the job has failures
 * left, it becomes Retrying until {@code retryAt} (the proposer computed the backoff and its jitter);
 * otherwise it is Failed with {@code error}. {@code output} is what the run had output before it failed
 * (JSON text, or absent), kept on the job either way. A retry starts the job's next execution: its
 * history begins afresh, while the failed execution's history is kept for reading.
 */
public record FailJob(long at, String workerId, JobRef job, String error, boolean retryable,
    long retryAt, String output) implements Command {

  private static final String RETRY = """
      UPDATE jobs SET status = 'Retrying', failures = ?, error = ?, output = ?, run_at = ?,
                      lease_until = NULL, updated_at = ?, reason = ?,
                      execution = execution + 1, history_steps = 0, history_bytes = 0
      WHERE seq = ?""";
  private static final String FAIL = """
      UPDATE jobs SET status = 'Failed', failures = ?, error = ?, output = ?, lease_until = NULL,
                      finished_at = ?, updated_at = ?, reason = ?
      WHERE seq = ?""";

  @Override
  public CommandType type() {
    return CommandType.FAIL_JOB;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workerId);
    job.writeTo(w);
    w.str(error).bool(retryable).i64(retryAt).optStr(output);
  }

  static FailJob read(WireReader r) {
    return new FailJob(r.i64(), r.str(), JobRef.read(r), r.str(), r.bool(), r.i64(), r.optStr());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    JobRows.State s = tx.rows.load(job.seq());
    int failures = s == null ? 0 : s.failures() + 1;
    boolean retry = s != null && retryable && failures < s.maxAttempts();
    JobStatus to = retry ? JobStatus.Retrying : JobStatus.Failed;
    Result refused = JobRows.refuseReport(s, job.seq(), workerId, job, to);
    if (refused != null) {
      return refused;
    }
    String reason;
    PreparedStatement ps;
    if (retry) {
      long when = Math.max(retryAt, at);
      reason = Reasons.retrying(s.attempt(), error, failures, s.maxAttempts(), when);
      ps = tx.sql(RETRY);
      ps.setInt(1, failures);
      ps.setString(2, error);
      ps.setString(3, output);
      ps.setLong(4, when);
      ps.setLong(5, at);
      ps.setString(6, reason);
      ps.setLong(7, s.seq());
    } else {
      reason = Reasons.failed(s.attempt(), error, retryable, failures);
      ps = tx.sql(FAIL);
      ps.setInt(1, failures);
      ps.setString(2, error);
      ps.setString(3, output);
      ps.setLong(4, at);
      ps.setLong(5, at);
      ps.setString(6, reason);
      ps.setLong(7, s.seq());
    }
    ps.executeUpdate();
    tx.rows.event(s.seq(), at, to, s.attempt(), reason);
    tx.moved(s.status(), to);
    if (to == JobStatus.Failed) {
      JobRows.ended(tx, s.seq(), at);
    }
    return new Result.Done(to);
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Done done) {
      effects.runEnded(job, at, done.status());
      if (done.status() == JobStatus.Retrying) {
        effects.workReady();
      }
    }
  }
}
