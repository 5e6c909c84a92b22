package io.mvmci.command;

import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import io.mvmci.job.Reasons;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Re-queues a Failed or Cancelled job at once: it becomes Pending with a fresh execution (its history
 * begins afresh; the earlier executions' steps are kept for reading) and its whole failure budget
 * again ({@code failures} back to 0). The attempt number is not reset: it is the fencing token of the
 * job's claims, so a worker still holding an older claim (of a cancelled run, say) stays refused. The
 * output, error and progress of the finished run are cleared; the module pin is kept.
 *
 * <p>Only a finished job that did not complete is retried: a Completed job is refused by the transition
 * table; a job still Pending, InProgress or Retrying is refused here, even where the table would let it
 * become Pending by other means (a hand-back, a lost lease).
 *
 * @param by who asked (shown in the reason)
 */
public record RetryJob(long at, long seq, String by) implements Command {
  private static final String RETRY = """
      UPDATE jobs SET status = 'Pending', failures = 0, run_at = ?, worker_id = NULL, lease_until = NULL,
                      progress = NULL, progress_message = NULL, output = NULL, error = NULL,
                      started_at = NULL, finished_at = NULL, updated_at = ?, reason = ?,
                      execution = execution + 1, history_steps = 0, history_bytes = 0
      WHERE seq = ?""";

  @Override
  public CommandType type() {
    return CommandType.RETRY_JOB;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).i64(seq).str(by);
  }

  static RetryJob read(WireReader r) {
    return new RetryJob(r.i64(), r.i64(), r.str());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    JobRows.State s = tx.rows.load(seq);
    if (s == null) {
      return new Result.Rejected(Result.Reason.UNKNOWN_JOB, "no job " + JobId.format(seq));
    }
    Result.Rejected illegal = Tx.illegal(seq, s.status(), JobStatus.Pending);
    if (illegal != null) {
      return illegal;
    }
    if (!s.status().isTerminal()) {
      return new Result.Rejected(Result.Reason.ILLEGAL_TRANSITION, JobId.format(seq) + " is " + s.status()
          + ", not finished: only a Failed or Cancelled job can be retried");
    }
    String reason = Reasons.retried(by, s.status());
    PreparedStatement ps = tx.sql(RETRY);
    ps.setLong(1, at);
    ps.setLong(2, at);
    ps.setString(3, reason);
    ps.setLong(4, seq);
    ps.executeUpdate();
    tx.rows.event(seq, at, JobStatus.Pending, s.attempt(), reason);
    tx.moved(s.status(), JobStatus.Pending);
    return new Result.Done(JobStatus.Pending);
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Done) {
      effects.jobRetried(seq, at);
      effects.workReady();
    }
  }
}
