package io.mvmci.command;

import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import io.mvmci.job.Reasons;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Cancels a job that has not finished: it becomes Cancelled at once, so the claim of a worker running
 * it goes stale and the worker interrupts the run. Its unfinished children that are not detached are
 * cancelled with it, and so on down; a run waiting for it wakes.
 *
 * @param by who asked (shown in the reason)
 */
public record CancelJob(long at, long seq, String by) implements Command {
  private static final String CANCEL = """
      UPDATE jobs SET status = 'Cancelled', lease_until = NULL, waiting_for = NULL, wake_at = NULL,
                      finished_at = ?, updated_at = ?,
                      reason = ?
      WHERE seq = ?""";

  @Override
  public CommandType type() {
    return CommandType.CANCEL_JOB;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).i64(seq).str(by);
  }

  static CancelJob read(WireReader r) {
    return new CancelJob(r.i64(), r.i64(), r.str());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    JobRows.State s = tx.rows.load(seq);
    if (s == null) {
      return new Result.Rejected(Result.Reason.UNKNOWN_JOB, "no job " + JobId.format(seq));
    }
    Result.Rejected illegal = Tx.illegal(seq, s.status(), JobStatus.Cancelled);
    if (illegal != null) {
      return illegal;
    }
    String reason = Reasons.cancelled(by, s.status());
    PreparedStatement ps = tx.sql(CANCEL);
    ps.setLong(1, at);
    ps.setLong(2, at);
    ps.setString(3, reason);
    ps.setLong(4, seq);
    ps.executeUpdate();
    tx.rows.event(seq, at, JobStatus.Cancelled, s.attempt(), reason);
    tx.moved(s.status(), JobStatus.Cancelled);
    JobRows.ended(tx, seq, at);
    return new Result.Done(JobStatus.Cancelled);
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Done) {
      effects.jobCancelled(seq, at);
    }
  }
}
