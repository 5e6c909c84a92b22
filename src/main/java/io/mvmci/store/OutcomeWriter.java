package io.mvmci.store;

import io.mvmci.command.CompleteJob;
import io.mvmci.command.FailJob;
import io.mvmci.command.JobRef;
import io.mvmci.command.ReleaseJob;
import io.mvmci.command.Result;
import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import io.mvmci.job.Reasons;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What a worker reports at the end of a run, accepted only under the current claim. */
final class OutcomeWriter implements AutoCloseable {
  private final JobRows rows;
  private final RowBatches completeRows;
  private final PreparedStatement savepoint;
  private final PreparedStatement rollbackToSavepoint;
  private final PreparedStatement releaseSavepoint;
  private final PreparedStatement retry;
  private final PreparedStatement fail;
  private final PreparedStatement release;

  OutcomeWriter(Connection w, JobRows rows) throws SQLException {
    this.rows = rows;
    // One statement checks the claims, completes the jobs and words each reason as Reasons.completed
    // does (JobLifecycleTest holds them equal), each row of d naming a claim; the happy path reads no
    // row. A row read per completion was a quarter of a completion's apply cost, RETURNING the reason
    // a fifth; the events are copied from the updated rows.
    completeRows = new RowBatches(w, n -> """
        WITH d (seq, attempt, worker, output, at) AS (VALUES %s)
        UPDATE jobs SET status = 'Completed', output = d.output, error = NULL, lease_until = NULL,
                        finished_at = d.at, updated_at = d.at,
                        reason = 'completed in ' || CASE
                          WHEN d.at - coalesce(jobs.started_at, d.at) < 1000
                            THEN (d.at - coalesce(jobs.started_at, d.at)) || ' ms'
                          ELSE printf('%%.3f s', (d.at - coalesce(jobs.started_at, d.at)) / 1000.0) END
        FROM d
        WHERE jobs.seq = d.seq AND jobs.status = 'InProgress' AND jobs.attempt = d.attempt
          AND jobs.worker_id = d.worker""".formatted(RowBatches.repeat(n, "(?, ?, ?, ?, ?)")));
    savepoint = w.prepareStatement("SAVEPOINT completions");
    rollbackToSavepoint = w.prepareStatement("ROLLBACK TO completions");
    releaseSavepoint = w.prepareStatement("RELEASE completions");
    retry = w.prepareStatement("""
        UPDATE jobs SET status = 'Retrying', failures = ?, error = ?, output = ?, run_at = ?,
                        lease_until = NULL, updated_at = ?, reason = ?
        WHERE seq = ?""");
    fail = w.prepareStatement("""
        UPDATE jobs SET status = 'Failed', failures = ?, error = ?, output = ?, lease_until = NULL,
                        finished_at = ?, updated_at = ?, reason = ?
        WHERE seq = ?""");
    release = w.prepareStatement("""
        UPDATE jobs SET status = 'Pending', run_at = ?, lease_until = NULL, updated_at = ?, reason = ?
        WHERE seq = ?""");
  }

  Result complete(CompleteJob c, ApplyContext ctx) throws SQLException {
    PreparedStatement one = completeRows.forRows(1);
    bindCompletion(one, 1, c);
    if (one.executeUpdate() == 0) {
      JobRows.State s = rows.load(c.job().seq());
      Result refused = refuse(s, c.workerId(), c.job());
      return refused != null ? refused : new Result.Rejected(Result.Reason.STALE_CLAIM,
          "claim " + c.job().attempt() + " of " + JobId.format(c.job().seq()) + " by " + c.workerId()
              + " is not current");
    }
    rows.eventsOfRange(c.job().seq(), c.job().seq());
    ctx.moved(JobStatus.InProgress, JobStatus.Completed);
    return new Result.Done(JobStatus.Completed);
  }

  /** Binds {@code c} as the row of d that starts at parameter {@code i}; returns the next one. */
  private static int bindCompletion(PreparedStatement ps, int i, CompleteJob c) throws SQLException {
    ps.setLong(i++, c.job().seq());
    ps.setInt(i++, c.job().attempt());
    ps.setString(i++, c.workerId());
    ps.setString(i++, c.output());
    ps.setLong(i++, c.at());
    return i;
  }

  /**
   * Completions in order, with the same effect and results as {@link #complete} on each. The happy
   * path (every claim current, no job twice) is a multi-row UPDATE a chunk and one event copy, inside
   * a savepoint; if any row was not updated, the savepoint is rolled back and each completion is
   * applied alone, so a refusal reads exactly as it would have.
   */
  List<Result> completeAll(List<CompleteJob> run, ApplyContext ctx) throws SQLException {
    long[] seqs = new long[run.size()];
    Set<Long> distinct = new HashSet<>();
    for (int k = 0; k < seqs.length; k++) {
      seqs[k] = run.get(k).job().seq();
      if (!distinct.add(seqs[k])) {
        return oneByOne(run, ctx);
      }
    }
    savepoint.execute();
    boolean all = true;
    for (int from = 0; all && from < seqs.length; ) {
      int n = RowBatches.chunk(seqs.length - from);
      PreparedStatement ps = completeRows.forRows(n);
      int i = 1;
      for (CompleteJob c : run.subList(from, from + n)) {
        i = bindCompletion(ps, i, c);
      }
      all = ps.executeUpdate() == n;
      from += n;
    }
    if (!all) {
      rollbackToSavepoint.execute();
      releaseSavepoint.execute();
      return oneByOne(run, ctx);
    }
    rows.eventsOf(seqs);
    releaseSavepoint.execute();
    List<Result> out = new ArrayList<>(run.size());
    Result done = new Result.Done(JobStatus.Completed);
    for (int k = 0; k < seqs.length; k++) {
      ctx.moved(JobStatus.InProgress, JobStatus.Completed);
      out.add(done);
    }
    return out;
  }

  private List<Result> oneByOne(List<CompleteJob> run, ApplyContext ctx) throws SQLException {
    List<Result> out = new ArrayList<>(run.size());
    for (CompleteJob c : run) {
      out.add(complete(c, ctx));
    }
    return out;
  }

  Result fail(FailJob c, ApplyContext ctx) throws SQLException {
    JobRows.State s = rows.load(c.job().seq());
    Result refused = refuse(s, c.workerId(), c.job());
    if (refused != null) {
      return refused;
    }
    int failures = s.failures() + 1;
    if (c.retryable() && failures < s.maxAttempts()) {
      long retryAt = Math.max(c.retryAt(), c.at());
      String reason = Reasons.retrying(s.attempt(), c.error(), failures, s.maxAttempts(), retryAt);
      retry.setInt(1, failures);
      retry.setString(2, c.error());
      retry.setString(3, c.output());
      retry.setLong(4, retryAt);
      retry.setLong(5, c.at());
      retry.setString(6, reason);
      retry.setLong(7, s.seq());
      retry.executeUpdate();
      return moved(s, c.at(), JobStatus.Retrying, reason, ctx);
    }
    String reason = Reasons.failed(s.attempt(), c.error(), c.retryable(), failures);
    fail.setInt(1, failures);
    fail.setString(2, c.error());
    fail.setString(3, c.output());
    fail.setLong(4, c.at());
    fail.setLong(5, c.at());
    fail.setString(6, reason);
    fail.setLong(7, s.seq());
    fail.executeUpdate();
    return moved(s, c.at(), JobStatus.Failed, reason, ctx);
  }

  Result release(ReleaseJob c, ApplyContext ctx) throws SQLException {
    JobRows.State s = rows.load(c.job().seq());
    Result refused = refuse(s, c.workerId(), c.job());
    if (refused != null) {
      return refused;
    }
    String reason = Reasons.released(c.workerId(), c.reason());
    release.setLong(1, c.at());
    release.setLong(2, c.at());
    release.setString(3, reason);
    release.setLong(4, s.seq());
    release.executeUpdate();
    return moved(s, c.at(), JobStatus.Pending, reason, ctx);
  }

  /** A rejection if the job is unknown or {@code worker}'s claim on it is not current. */
  private static Result refuse(JobRows.State s, String worker, JobRef ref) {
    if (s == null) {
      return new Result.Rejected(Result.Reason.UNKNOWN_JOB, "no job " + JobId.format(ref.seq()));
    }
    String stale = s.staleness(worker, ref);
    return stale == null ? null : new Result.Rejected(Result.Reason.STALE_CLAIM, stale);
  }

  private Result moved(JobRows.State s, long at, JobStatus to, String reason, ApplyContext ctx)
      throws SQLException {
    rows.event(s.seq(), at, to, s.attempt(), reason);
    ctx.moved(JobStatus.InProgress, to);
    return new Result.Done(to);
  }

  @Override
  public void close() throws SQLException {
    for (PreparedStatement ps : List.of(savepoint, rollbackToSavepoint, releaseSavepoint, retry,
        fail, release)) {
      ps.close();
    }
    completeRows.close();
  }
}
