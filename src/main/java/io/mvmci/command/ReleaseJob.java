package io.mvmci.command;

import io.mvmci.job.JobStatus;
import io.mvmci.job.Reasons;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A worker hands a claimed job back unfinished (it is shutting down): the job is Pending again at
 * once, and the hand-back does not count as a failure.
 */
public record ReleaseJob(long at, String workerId, JobRef job, String reason) implements Command {
  private static final String RELEASE = """
      UPDATE jobs SET status = 'Pending', run_at = ?, lease_until = NULL, updated_at = ?, reason = ?
      WHERE seq = ?""";

  @Override
  public CommandType type() {
    return CommandType.RELEASE_JOB;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workerId);
    job.writeTo(w);
    w.str(reason);
  }

  static ReleaseJob read(WireReader r) {
    return new ReleaseJob(r.i64(), r.str(), JobRef.read(r), r.str());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    JobRows.State s = tx.rows.load(job.seq());
    Result refused = JobRows.refuseReport(s, job.seq(), workerId, job, JobStatus.Pending);
    if (refused != null) {
      return refused;
    }
    String why = Reasons.released(workerId, reason);
    PreparedStatement ps = tx.sql(RELEASE);
    ps.setLong(1, at);
    ps.setLong(2, at);
    ps.setString(3, why);
    ps.setLong(4, s.seq());
    ps.executeUpdate();
    tx.rows.event(s.seq(), at, JobStatus.Pending, s.attempt(), why);
    tx.moved(s.status(), JobStatus.Pending);
    return new Result.Done(JobStatus.Pending);
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Done done) {
      effects.runEnded(job, at, done.status());
      effects.workReady();
    }
  }
}
