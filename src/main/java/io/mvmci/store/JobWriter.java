package io.mvmci.store;

import io.mvmci.command.CancelJob;
import io.mvmci.command.PurgeJobs;
import io.mvmci.command.Result;
import io.mvmci.command.SubmitJob;
import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import io.mvmci.job.Reasons;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** Submissions and cancellations on the apply path. Deterministic: no clock, no RNG. */
final class JobWriter implements AutoCloseable {
  private final JobRows rows;
  private final PreparedStatement findByKey;
  private final RowBatches insertRows;
  private final PreparedStatement cancel;
  private final PreparedStatement purgeable;
  private final PreparedStatement deleteJob;
  private final PreparedStatement deleteEvents;
  private final PreparedStatement deleteLogs;

  JobWriter(Connection w, JobRows rows) throws SQLException {
    this.rows = rows;
    findByKey = w.prepareStatement("SELECT seq FROM jobs WHERE idempotency_key = ?");
    insertRows = new RowBatches(w, n -> """
        INSERT INTO jobs (seq, status, workflow, input, url, priority, run_at, attempt, max_attempts,
                          timeout_ms, reason, idempotency_key, created_at, updated_at)
        VALUES %s""".formatted(RowBatches.repeat(n, "(?, 'Pending', ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)")));
    cancel = w.prepareStatement("""
        UPDATE jobs SET status = 'Cancelled', lease_until = NULL, finished_at = ?, updated_at = ?,
                        reason = ?
        WHERE seq = ?""");
    purgeable = w.prepareStatement("""
        SELECT seq, status FROM jobs INDEXED BY jobs_finished
        WHERE status IN ('Completed', 'Failed', 'Cancelled') AND finished_at < ?
        ORDER BY finished_at, seq LIMIT ?""");
    deleteJob = w.prepareStatement("DELETE FROM jobs WHERE seq = ?");
    deleteEvents = w.prepareStatement("DELETE FROM job_events WHERE job_seq = ?");
    deleteLogs = w.prepareStatement("DELETE FROM job_logs WHERE job_seq = ?");
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
    PreparedStatement one = insertRows.forRows(1);
    bindNewJob(one, 1, seq, c);
    one.executeUpdate();
    rows.eventsOfRange(seq, seq);
    ctx.moved(null, JobStatus.Pending);
    return new Result.Submitted(seq, false);
  }

  /**
   * Submissions without an idempotency key, in order, with the same effect as {@link #submit} on
   * each: a multi-row INSERT a chunk (a lone submission is a chunk of one), then one copy of the new
   * rows into their events.
   */
  List<Result> submitAll(List<SubmitJob> run, ApplyContext ctx) throws SQLException {
    long first = ctx.nextJobSeq;
    List<Result> out = new ArrayList<>(run.size());
    for (int from = 0; from < run.size(); ) {
      int n = RowBatches.chunk(run.size() - from);
      PreparedStatement ps = insertRows.forRows(n);
      int i = 1;
      for (SubmitJob c : run.subList(from, from + n)) {
        long seq = ctx.nextJobSeq++;
        i = bindNewJob(ps, i, seq, c);
        ctx.moved(null, JobStatus.Pending);
        out.add(new Result.Submitted(seq, false));
      }
      ps.executeUpdate();
      from += n;
    }
    rows.eventsOfRange(first, ctx.nextJobSeq - 1);
    return out;
  }

  /** Binds job {@code seq} as the row that starts at parameter {@code i}; returns the next one. */
  private static int bindNewJob(PreparedStatement ps, int i, long seq, SubmitJob c) throws SQLException {
    long runAt = c.effectiveRunAt();
    ps.setLong(i++, seq);
    ps.setString(i++, c.workflow());
    ps.setString(i++, c.input());
    setNullable(ps, i++, c.url());
    ps.setInt(i++, c.priority());
    ps.setLong(i++, runAt);
    ps.setInt(i++, c.maxAttempts());
    ps.setLong(i++, c.timeoutMs());
    ps.setString(i++, Reasons.submitted(c.at(), runAt));
    setNullable(ps, i++, c.idempotencyKey());
    ps.setLong(i++, c.at());
    ps.setLong(i++, c.at());
    return i;
  }

  Result cancel(CancelJob c, ApplyContext ctx) throws SQLException {
    JobRows.State s = rows.load(c.seq());
    if (s == null) {
      return new Result.Rejected(Result.Reason.UNKNOWN_JOB, "no job " + JobId.format(c.seq()));
    }
    if (!s.status().canBecome(JobStatus.Cancelled)) {
      return new Result.Rejected(Result.Reason.ILLEGAL_TRANSITION,
          JobId.format(c.seq()) + " is already " + s.status());
    }
    String reason = Reasons.cancelled(c.by(), s.status());
    cancel.setLong(1, c.at());
    cancel.setLong(2, c.at());
    cancel.setString(3, reason);
    cancel.setLong(4, c.seq());
    cancel.executeUpdate();
    rows.event(c.seq(), c.at(), JobStatus.Cancelled, s.attempt(), reason);
    ctx.moved(s.status(), JobStatus.Cancelled);
    return new Result.Done(JobStatus.Cancelled);
  }

  private static void setNullable(PreparedStatement ps, int i, String v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.VARCHAR);
    } else {
      ps.setString(i, v);
    }
  }

  /** Deletes finished jobs that finished before the cutoff, oldest first, with their events and logs. */
  Result purge(PurgeJobs c, ApplyContext ctx) throws SQLException {
    List<Long> seqs = new ArrayList<>();
    List<JobStatus> statuses = new ArrayList<>();
    purgeable.setLong(1, c.finishedBefore());
    purgeable.setInt(2, c.max());
    try (ResultSet rs = purgeable.executeQuery()) {
      while (rs.next()) {
        seqs.add(rs.getLong(1));
        statuses.add(JobStatus.valueOf(rs.getString(2)));
      }
    }
    for (int i = 0; i < seqs.size(); i++) {
      long seq = seqs.get(i);
      for (PreparedStatement delete : List.of(deleteEvents, deleteLogs, deleteJob)) {
        delete.setLong(1, seq);
        delete.executeUpdate();
      }
      ctx.removed(statuses.get(i));
    }
    return new Result.Purged(seqs.size());
  }

  @Override
  public void close() throws SQLException {
    findByKey.close();
    insertRows.close();
    cancel.close();
    purgeable.close();
    deleteJob.close();
    deleteEvents.close();
    deleteLogs.close();
  }
}
