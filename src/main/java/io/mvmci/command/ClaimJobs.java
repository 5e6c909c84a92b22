package io.mvmci.command;

import io.mvmci.job.JobStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A worker takes up to {@code max} runnable jobs: those the transition table lets become InProgress
 * (Pending or Retrying), with {@code run_at <= at}, by priority (highest first), then run-at time,
 * then id. Each becomes InProgress under a new fencing token (its attempt number, incremented) with a
 * lease until {@code at + leaseMs}.
 *
 * <p>The module version each claimed attempt runs is decided here, in the log: the latest version of
 * the job's workflow in the replicated {@code modules} table as of this entry, stamped on the job
 * ({@code module_sha256}) and on the claim's event, and handed to the worker. A job whose workflow has
 * no version in the table yet is not claimed. A job whose current execution has history (a run resumed
 * after its worker died, or woken from a wait) keeps the version that wrote it: its replay must find
 * the same steps.
 *
 * @param at the proposing node's clock
 * @param workerId the claiming worker
 */
public record ClaimJobs(long at, String workerId, int max, long leaseMs) implements Command {

  private static final String RUNNABLE = """
      SELECT seq, workflow, input, timeout_ms, attempt, status, failures, max_attempts, pinned_sha256,
             execution, history_steps, module_sha256
      FROM jobs INDEXED BY jobs_runnable
      WHERE status IN (%s) AND run_at <= ?
      ORDER BY priority DESC, run_at, seq LIMIT ?""".formatted(Tx.statesThatCanBecome(JobStatus.InProgress));

  // A claim's batch is two statements, whatever its size: the jobs are named by a JSON array of their
  // seqs, each one's module version is looked up by its workflow in a JSON object ?5, the reason is
  // worded in SQL as Reasons.claimed words it (JobLifecycleTest holds them equal), and the events are
  // copied from the updated rows. A statement pair per job was a third of a claim's apply time.
  private static final String CLAIM = """
      UPDATE jobs SET status = 'InProgress', attempt = attempt + 1, worker_id = ?1, lease_until = ?2,
                      started_at = ?3, updated_at = ?3,
                      reason = 'running on ' || ?1 || ' (attempt ' || (attempt + 1) || ')',
                      progress = NULL, progress_message = NULL,
                      module_sha256 = coalesce(pinned_sha256, CASE WHEN history_steps > 0 THEN module_sha256 END,
                                               json_extract(?5, '$."' || workflow || '"'))
      WHERE seq IN (SELECT value FROM json_each(?4))""";

  @Override
  public CommandType type() {
    return CommandType.CLAIM_JOBS;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workerId).i32(max).i64(leaseMs);
  }

  static ClaimJobs read(WireReader r) {
    return new ClaimJobs(r.i64(), r.str(), r.i32(), r.i64());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    record Candidate(long seq, String workflow, String input, long timeoutMs, int attempt, JobStatus from,
        int failures, int maxAttempts, String module, boolean pinned, int execution, int steps) {}
    int wanted = Math.max(0, max);
    List<Candidate> picked = new ArrayList<>();
    Map<String, String> latest = tx.latestModules();
    // Jobs whose workflow has no stored version yet are passed over; ask again for as many more.
    for (int limit = wanted, skipped = 0; ; limit = wanted + skipped) {
      picked.clear();
      skipped = 0;
      int rows = 0;
      PreparedStatement runnable = tx.sql(RUNNABLE);
      runnable.setLong(1, at);
      runnable.setInt(2, limit);
      try (ResultSet rs = runnable.executeQuery()) {
        while (rs.next()) {
          rows++;
          // pinned at submission, or the version that wrote the history this execution resumes from
          String pinned = rs.getString(9) != null ? rs.getString(9) : rs.getInt(11) > 0 ? rs.getString(12) : null;
          String module = pinned != null ? pinned : latest.get(rs.getString(2));
          if (module == null) {
            skipped++;
          } else if (picked.size() < wanted) {
            picked.add(new Candidate(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                rs.getInt(5) + 1, JobStatus.valueOf(rs.getString(6)), rs.getInt(7), rs.getInt(8), module,
                pinned != null, rs.getInt(10), rs.getInt(11)));
          }
        }
      }
      if (skipped == 0 || picked.size() == wanted || rows < limit) {
        break;
      }
    }
    if (picked.isEmpty()) {
      return new Result.Claimed(List.of());
    }
    long leaseUntil = at + leaseMs;
    List<Result.ClaimedJob> out = new ArrayList<>(picked.size());
    long[] seqs = new long[picked.size()];
    Map<String, String> versions = new TreeMap<>();
    for (int k = 0; k < seqs.length; k++) {
      Candidate j = picked.get(k);
      seqs[k] = j.seq();
      if (!j.pinned()) {
        versions.put(j.workflow(), j.module());
      }
      tx.moved(j.from(), JobStatus.InProgress);
      out.add(new Result.ClaimedJob(new JobRef(j.seq(), j.attempt()), j.workflow(), j.input(),
          j.timeoutMs(), leaseUntil, j.failures(), j.maxAttempts(), j.module(), j.execution(), j.steps()));
    }
    PreparedStatement claim = tx.sql(CLAIM);
    claim.setString(1, workerId);
    claim.setLong(2, leaseUntil);
    claim.setLong(3, at);
    claim.setString(4, JobRows.jsonArray(seqs));
    claim.setString(5, jsonObject(versions));
    int claimed = claim.executeUpdate();
    if (claimed != picked.size()) {
      throw new IllegalStateException("claimed " + claimed + " of the " + picked.size() + " jobs picked");
    }
    tx.rows.eventsOf(seqs);
    return new Result.Claimed(out);
  }

  /** {@code {"name":"sha",...}}; module names and hashes need no escaping (letters, digits, . _ -). */
  private static String jsonObject(Map<String, String> versions) {
    StringBuilder b = new StringBuilder("{");
    versions.forEach((name, sha) -> b.append(b.length() == 1 ? "" : ",")
        .append('"').append(name).append("\":\"").append(sha).append('"'));
    return b.append('}').toString();
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Claimed c && !c.jobs().isEmpty()) {
      effects.jobsClaimed(at, c.jobs());
    }
  }
}
