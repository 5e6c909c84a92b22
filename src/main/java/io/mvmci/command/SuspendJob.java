package io.mvmci.command;

import io.mvmci.job.JobStatus;
import io.mvmci.job.Reasons;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * A run under a current claim suspends itself: its next step must wait (a long sleep, a signal not
 * yet sent, a child job not yet finished), so its worker gives the job back and the job is Waiting,
 * holding no worker, until the cluster wakes it (see {@link WakeJobs}, {@link SendSignal}, and a child's
 * outcome). The wait is recorded in the run's history before this, so the next claim replays the run up
 * to it. If what it waits for has already happened when this applies (the signal arrived meanwhile, the
 * child finished, the timer is due), the job is Pending at once instead.
 *
 * <p>It may carry the run's last history writes (the step that begins the wait, recorded lazily): they
 * are appended as {@link AppendSteps} would append them, in the same transaction, so a suspension is
 * one log entry, not two, and the wait is in the history exactly when the job waits.
 *
 * @param waitingFor {@code timer}, {@code signal:<name>} or {@code job:<seq>}
 * @param wakeAt when a timer is due, or when the wait times out; -1 for none
 * @param signalsAfter for a signal wait: the id of the last signal the run consumed (0: none)
 * @param writes history writes to append first (maybe none)
 * @param limits the proposing node's history limits, for {@code writes}
 */
public record SuspendJob(long at, String workerId, JobRef job, String waitingFor, long wakeAt, long signalsAfter,
    List<AppendSteps.Write> writes, AppendSteps.Limits limits) implements Command {

  public SuspendJob {
    writes = List.copyOf(writes);
    Objects.requireNonNull(limits, "limits");
  }

  /** A suspension that carries no history writes. */
  public SuspendJob(long at, String workerId, JobRef job, String waitingFor, long wakeAt, long signalsAfter) {
    this(at, workerId, job, waitingFor, wakeAt, signalsAfter, List.of(), NO_LIMITS);
  }

  static final AppendSteps.Limits NO_LIMITS = new AppendSteps.Limits(0, 0, 0);

  private static final java.util.regex.Pattern WAIT_FOR =
      java.util.regex.Pattern.compile("timer|signal:[A-Za-z0-9._:-]{1,128}|job:[0-9]{1,18}");
  private static final String SIGNAL_WAITS = """
      SELECT 1 FROM job_signals WHERE job_seq = ? AND name = ? AND id > ? LIMIT 1""";
  private static final String CHILD_DONE = """
      SELECT 1 FROM jobs WHERE seq = ? AND status IN ('Completed', 'Failed', 'Cancelled')""";
  private static final String WAIT = """
      UPDATE jobs SET status = 'Waiting', waiting_for = ?, wake_at = ?, lease_until = NULL, updated_at = ?,
                      reason = ?
      WHERE seq = ?""";

  @Override
  public CommandType type() {
    return CommandType.SUSPEND_JOB;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workerId);
    job.writeTo(w);
    w.str(waitingFor).i64(wakeAt).i64(signalsAfter);
    Lists.write(w, writes, AppendSteps.Write::writeTo);
    limits.writeTo(w);
  }

  static SuspendJob read(WireReader r) {
    return new SuspendJob(r.i64(), r.str(), JobRef.read(r), r.str(), r.i64(), r.i64(),
        Lists.read(r, AppendSteps.Write::read), AppendSteps.Limits.read(r));
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    if (!WAIT_FOR.matcher(waitingFor).matches()) {
      return new Result.Rejected(Result.Reason.INVALID, "cannot wait for \"" + waitingFor + "\"");
    }
    JobRows.State s = tx.rows.load(job.seq());
    Result refused = JobRows.refuseReport(s, job.seq(), workerId, job, JobStatus.Waiting);
    if (refused != null) {
      return refused;
    }
    if (!writes.isEmpty()) {
      Result appended = new AppendSteps(at, workerId, job, writes, limits).apply(tx);
      if (appended instanceof Result.Rejected) {
        return appended;
      }
    }
    String already = alreadyHappened(tx);
    if (already != null) {
      String reason = Reasons.woken(already);
      JobRows.wake(tx, s.seq(), s.status(), at, s.attempt(), reason);
      return new Result.Done(JobStatus.Pending);
    }
    String reason = Reasons.waiting(waitingFor, wakeAt);
    PreparedStatement ps = tx.sql(WAIT);
    ps.setString(1, waitingFor);
    if (wakeAt >= 0) {
      ps.setLong(2, wakeAt);
    } else {
      ps.setNull(2, java.sql.Types.INTEGER);
    }
    ps.setLong(3, at);
    ps.setString(4, reason);
    ps.setLong(5, s.seq());
    ps.executeUpdate();
    if (waitingFor.startsWith("job:")) {
      tx.jobWaitAdded();
    }
    tx.rows.event(s.seq(), at, JobStatus.Waiting, s.attempt(), reason);
    tx.moved(s.status(), JobStatus.Waiting);
    return new Result.Done(JobStatus.Waiting);
  }

  /** Why the wait is over before it began, or null. */
  private String alreadyHappened(Tx tx) throws SQLException {
    if (wakeAt >= 0 && wakeAt <= at) {
      return waitingFor.equals("timer") ? "the timer was due" : "the wait had timed out";
    }
    if (waitingFor.startsWith("signal:")) {
      PreparedStatement ps = tx.sql(SIGNAL_WAITS);
      ps.setLong(1, job.seq());
      ps.setString(2, waitingFor.substring(7));
      ps.setLong(3, signalsAfter);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? "signal \"" + waitingFor.substring(7) + "\" had arrived" : null;
      }
    }
    if (waitingFor.startsWith("job:")) {
      PreparedStatement ps = tx.sql(CHILD_DONE);
      ps.setLong(1, Long.parseLong(waitingFor.substring(4)));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? io.mvmci.job.JobId.format(Long.parseLong(waitingFor.substring(4))) + " had finished" : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Done) {
      effects.runEnded(job, at, JobStatus.Waiting); // the attempt ended waiting, if only for an instant
    }
  }
}
