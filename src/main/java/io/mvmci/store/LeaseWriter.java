package io.mvmci.store;

import io.mvmci.command.ClaimJobs;
import io.mvmci.command.ExpireLeases;
import io.mvmci.command.Heartbeat;
import io.mvmci.command.JobRef;
import io.mvmci.command.ReportProgress;
import io.mvmci.command.Result;
import io.mvmci.job.JobStatus;
import io.mvmci.job.Reasons;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Claims and their leases: claiming, heartbeats, progress, and the reaper's expiry. */
final class LeaseWriter implements AutoCloseable {
  private final JobRows rows;
  private final PreparedStatement runnable;
  private final PreparedStatement claim;
  private final PreparedStatement beat;
  private final PreparedStatement renew;
  private final PreparedStatement progress;
  private final LogWriter logs;
  private final PreparedStatement expired;
  private final PreparedStatement requeue;
  private final PreparedStatement failExpired;
  private final PreparedStatement dead;

  LeaseWriter(Connection w, JobRows rows) throws SQLException {
    this.rows = rows;
    runnable = w.prepareStatement("""
        SELECT seq, workflow, input, timeout_ms, attempt, status, failures, max_attempts
        FROM jobs INDEXED BY jobs_runnable
        WHERE status IN ('Pending', 'Retrying') AND run_at <= ?
        ORDER BY priority DESC, run_at, seq LIMIT ?""");
    // A claim's batch is two statements, whatever its size: the jobs are named by a JSON array of
    // their seqs, the reason is worded in SQL as Reasons.claimed words it (JobLifecycleTest holds
    // them equal), and the events are copied from the updated rows. A statement pair per job was a
    // third of a claim's apply time.
    claim = w.prepareStatement("""
        UPDATE jobs SET status = 'InProgress', attempt = attempt + 1, worker_id = ?1, lease_until = ?2,
                        started_at = ?3, updated_at = ?3,
                        reason = 'running on ' || ?1 || ' (attempt ' || (attempt + 1) || ')',
                        progress = NULL, progress_message = NULL
        WHERE seq IN (SELECT value FROM json_each(?4))""");
    beat = w.prepareStatement("""
        INSERT INTO heartbeats (worker_id, node_id, kind, started_at, last_seen, status, capacity, running)
        VALUES (?, ?, ?, ?, ?, 'alive', ?, ?)
        ON CONFLICT (worker_id) DO UPDATE SET
          node_id = excluded.node_id, kind = excluded.kind, last_seen = excluded.last_seen,
          started_at = CASE WHEN heartbeats.status = 'alive' THEN heartbeats.started_at
                            ELSE excluded.started_at END,
          status = 'alive', capacity = excluded.capacity, running = excluded.running""");
    renew = w.prepareStatement("""
        UPDATE jobs SET lease_until = ?
        WHERE seq = ? AND attempt = ? AND worker_id = ? AND status = 'InProgress'""");
    progress = w.prepareStatement(
        "UPDATE jobs SET progress = ?, progress_message = ?, updated_at = ? WHERE seq = ?");
    logs = new LogWriter(w);
    expired = w.prepareStatement("""
        SELECT seq FROM jobs INDEXED BY jobs_leased WHERE status = 'InProgress' AND lease_until < ? ORDER BY seq""");
    requeue = w.prepareStatement("""
        UPDATE jobs SET status = 'Pending', failures = ?, run_at = ?, lease_until = NULL,
                        updated_at = ?, reason = ?
        WHERE seq = ?""");
    failExpired = w.prepareStatement("""
        UPDATE jobs SET status = 'Failed', failures = ?, lease_until = NULL, error = ?,
                        finished_at = ?, updated_at = ?, reason = ?
        WHERE seq = ?""");
    dead = w.prepareStatement(
        "UPDATE heartbeats SET status = 'dead' WHERE status = 'alive' AND last_seen < ?");
  }

  Result claim(ClaimJobs c, ApplyContext ctx) throws SQLException {
    record Candidate(long seq, String workflow, String input, long timeoutMs, int attempt, JobStatus from,
        int failures, int maxAttempts) {}
    List<Candidate> picked = new ArrayList<>();
    runnable.setLong(1, c.at());
    runnable.setInt(2, Math.max(0, c.max()));
    try (ResultSet rs = runnable.executeQuery()) {
      while (rs.next()) {
        picked.add(new Candidate(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
            rs.getInt(5) + 1, JobStatus.valueOf(rs.getString(6)), rs.getInt(7), rs.getInt(8)));
      }
    }
    if (picked.isEmpty()) {
      return new Result.Claimed(List.of());
    }
    long leaseUntil = c.at() + c.leaseMs();
    List<Result.ClaimedJob> out = new ArrayList<>(picked.size());
    long[] seqs = new long[picked.size()];
    for (int k = 0; k < seqs.length; k++) {
      Candidate j = picked.get(k);
      seqs[k] = j.seq();
      ctx.moved(j.from(), JobStatus.InProgress);
      out.add(new Result.ClaimedJob(new JobRef(j.seq(), j.attempt()), j.workflow(), j.input(),
          j.timeoutMs(), leaseUntil, j.failures(), j.maxAttempts()));
    }
    claim.setString(1, c.workerId());
    claim.setLong(2, leaseUntil);
    claim.setLong(3, c.at());
    claim.setString(4, JobRows.jsonArray(seqs));
    int claimed = claim.executeUpdate();
    if (claimed != picked.size()) {
      throw new IllegalStateException("claimed " + claimed + " of the " + picked.size() + " jobs picked");
    }
    rows.eventsOf(seqs);
    return new Result.Claimed(out);
  }

  Result heartbeat(Heartbeat c) throws SQLException {
    int i = 1;
    beat.setString(i++, c.workerId());
    beat.setInt(i++, c.nodeId());
    beat.setString(i++, c.kind());
    beat.setLong(i++, c.at());
    beat.setLong(i++, c.at());
    beat.setInt(i++, c.capacity());
    beat.setInt(i, c.running().size());
    beat.executeUpdate();
    List<JobRef> stale = new ArrayList<>();
    for (JobRef ref : c.running()) {
      renew.setLong(1, c.at() + c.leaseMs());
      renew.setLong(2, ref.seq());
      renew.setInt(3, ref.attempt());
      renew.setString(4, c.workerId());
      if (renew.executeUpdate() == 0) {
        stale.add(ref);
      }
    }
    return new Result.Stale(stale);
  }

  Result progress(ReportProgress c) throws SQLException {
    List<JobRef> stale = new ArrayList<>();
    for (ReportProgress.Item item : c.items()) {
      JobRef ref = item.job();
      JobRows.State s = rows.load(ref.seq());
      if (s == null || s.staleness(c.workerId(), ref) != null) {
        stale.add(ref);
        continue;
      }
      if (item.percent() >= 0) {
        progress.setInt(1, Math.min(100, item.percent()));
        progress.setString(2, item.message());
        progress.setLong(3, c.at());
        progress.setLong(4, ref.seq());
        progress.executeUpdate();
      }
      logs.append(ref, item.lines());
    }
    return new Result.Stale(stale);
  }

  Result expire(ExpireLeases c, ApplyContext ctx) throws SQLException {
    List<Long> seqs = new ArrayList<>();
    expired.setLong(1, c.at());
    try (ResultSet rs = expired.executeQuery()) {
      while (rs.next()) {
        seqs.add(rs.getLong(1));
      }
    }
    for (long seq : seqs) {
      JobRows.State s = rows.load(seq);
      int failures = s.failures() + 1;
      String reason = Reasons.leaseExpired(s.workerId(), s.leaseUntil(), failures, s.maxAttempts());
      JobStatus to;
      if (failures < s.maxAttempts()) {
        to = JobStatus.Pending;
        requeue.setInt(1, failures);
        requeue.setLong(2, c.at());
        requeue.setLong(3, c.at());
        requeue.setString(4, reason);
        requeue.setLong(5, seq);
        requeue.executeUpdate();
      } else {
        to = JobStatus.Failed;
        failExpired.setInt(1, failures);
        failExpired.setString(2, "lease expired on " + s.workerId());
        failExpired.setLong(3, c.at());
        failExpired.setLong(4, c.at());
        failExpired.setString(5, reason);
        failExpired.setLong(6, seq);
        failExpired.executeUpdate();
      }
      rows.event(seq, c.at(), to, s.attempt(), reason);
      ctx.moved(JobStatus.InProgress, to);
    }
    dead.setLong(1, c.deadBefore());
    int workers = dead.executeUpdate();
    return new Result.Expired(seqs.size(), workers);
  }

  @Override
  public void close() throws SQLException {
    for (PreparedStatement ps : List.of(runnable, claim, beat, renew, progress, expired, requeue,
        failExpired, dead)) {
      ps.close();
    }
    logs.close();
  }
}
