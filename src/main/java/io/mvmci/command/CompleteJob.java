package io.mvmci.command;

import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A run under a current claim succeeded; the job is Completed with {@code output} (JSON text). */
public record CompleteJob(long at, String workerId, JobRef job, String output) implements Command {
  private static final String COMPLETE = "jobs.complete";

  // One statement checks the claims, completes the jobs and words each reason as Reasons.completed
  // does (JobLifecycleTest holds them equal), each row of d naming a claim; the happy path reads no
  // row. A row read per completion was a quarter of a completion's apply cost, RETURNING the reason a
  // fifth; the events are copied from the updated rows.
  private static String complete(int rows) {
    return """
        WITH d (seq, attempt, worker, output, at) AS (VALUES %s)
        UPDATE jobs SET status = 'Completed', output = d.output, error = NULL, lease_until = NULL,
                        finished_at = d.at, updated_at = d.at,
                        reason = 'completed in ' || CASE
                          WHEN d.at - coalesce(jobs.started_at, d.at) < 1000
                            THEN (d.at - coalesce(jobs.started_at, d.at)) || ' ms'
                          ELSE printf('%%.3f s', (d.at - coalesce(jobs.started_at, d.at)) / 1000.0) END
        FROM d
        WHERE jobs.seq = d.seq AND jobs.status IN (%s) AND jobs.attempt = d.attempt
          AND jobs.worker_id = d.worker""".formatted(RowBatches.repeat(rows, "(?, ?, ?, ?, ?)"),
        Tx.statesThatCanBecome(JobStatus.Completed));
  }

  @Override
  public CommandType type() {
    return CommandType.COMPLETE_JOB;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workerId);
    job.writeTo(w);
    w.str(output);
  }

  static CompleteJob read(WireReader r) {
    return new CompleteJob(r.i64(), r.str(), JobRef.read(r), r.str());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    PreparedStatement one = tx.batch(COMPLETE, CompleteJob::complete).forRows(1);
    bind(one, 1);
    if (one.executeUpdate() == 0) {
      Result refused = JobRows.refuseReport(tx.rows.load(job.seq()), job.seq(), workerId, job,
          JobStatus.Completed);
      return refused != null ? refused : new Result.Rejected(Result.Reason.STALE_CLAIM,
          "claim " + job.attempt() + " of " + JobId.format(job.seq()) + " by " + workerId + " is not current");
    }
    tx.rows.eventsOfRange(job.seq(), job.seq());
    tx.moved(JobStatus.InProgress, JobStatus.Completed);
    JobRows.ended(tx, job.seq(), at);
    return new Result.Done(JobStatus.Completed);
  }

  /** Binds this completion as the row of d that starts at parameter {@code i}; returns the next. */
  private int bind(PreparedStatement ps, int i) throws SQLException {
    ps.setLong(i++, job.seq());
    ps.setInt(i++, job.attempt());
    ps.setString(i++, workerId);
    ps.setString(i++, output);
    ps.setLong(i++, at);
    return i;
  }

  /**
   * Completions in order, with the same effect and results as {@link #apply} on each. The happy path
   * (every claim current, no job twice) is a multi-row UPDATE a chunk and one event copy, inside a
   * savepoint; if any row was not updated, the savepoint is rolled back and each completion is
   * applied alone, so a refusal reads exactly as it would have.
   */
  static List<Result> applyAll(List<CompleteJob> run, Tx tx) throws SQLException {
    long[] seqs = new long[run.size()];
    Set<Long> distinct = new HashSet<>();
    for (int k = 0; k < seqs.length; k++) {
      seqs[k] = run.get(k).job().seq();
      if (!distinct.add(seqs[k])) {
        return oneByOne(run, tx);
      }
    }
    RowBatches complete = tx.batch(COMPLETE, CompleteJob::complete);
    tx.execute("SAVEPOINT completions");
    boolean all = true;
    for (int from = 0; all && from < seqs.length; ) {
      int n = RowBatches.chunk(seqs.length - from);
      PreparedStatement ps = complete.forRows(n);
      int i = 1;
      for (CompleteJob c : run.subList(from, from + n)) {
        i = c.bind(ps, i);
      }
      all = ps.executeUpdate() == n;
      from += n;
    }
    if (!all) {
      tx.execute("ROLLBACK TO completions");
      tx.execute("RELEASE completions");
      return oneByOne(run, tx);
    }
    tx.rows.eventsOf(seqs);
    tx.execute("RELEASE completions");
    List<Result> out = new ArrayList<>(run.size());
    Result done = new Result.Done(JobStatus.Completed);
    for (int k = 0; k < seqs.length; k++) {
      tx.moved(JobStatus.InProgress, JobStatus.Completed);
      JobRows.ended(tx, seqs[k], run.get(k).at());
      out.add(done);
    }
    return out;
  }

  private static List<Result> oneByOne(List<CompleteJob> run, Tx tx) throws SQLException {
    List<Result> out = new ArrayList<>(run.size());
    for (CompleteJob c : run) {
      out.add(c.apply(tx));
    }
    return out;
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Done done) {
      effects.runEnded(job, at, done.status());
    }
  }
}
