package io.mvmci.command;

import io.mvmci.job.ConcurrencyPolicy;
import io.mvmci.job.JobStatus;
import io.mvmci.job.Labels;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A worker takes up to {@code max} runnable jobs: those the transition table lets become InProgress
 * (Pending or Retrying), with {@code run_at <= at}, whose required labels are all among the worker's
 * {@code labels}, by priority (highest first), then run-at time, then id. Each becomes InProgress
 * under a new fencing token (its attempt number, incremented) with a lease until {@code at + leaseMs}.
 *
 * <p>Labels: every distinct set of labels jobs require has a row in {@code label_sets}; the claim
 * finds the sets the worker's labels cover and reads each one's runnable jobs through the index
 * {@code jobs_runnable_by_set}, merging them in queue order, so it never visits a job the worker
 * cannot take. A claim without labels (type 2) takes only jobs that require none.
 *
 * <p>Concurrency groups: a job of a full group is handled by its policy ({@link ConcurrencyGroups});
 * a job passed over stays Pending and the claim looks further down the queue.
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
 * @param labels the worker's labels, canonical; empty for a worker without any (written as type 2)
 */
public record ClaimJobs(long at, String workerId, int max, long leaseMs, List<String> labels) implements Command {

  private static final String RUNNABLE = """
      SELECT seq, workflow, input, timeout_ms, attempt, status, failures, max_attempts, pinned_sha256,
             execution, history_steps, module_sha256, priority, run_at, concurrency_key, concurrency_limit,
             concurrency_policy, reason
      FROM jobs INDEXED BY jobs_runnable_by_set
      WHERE label_set = ? AND status IN (%s) AND run_at <= ?
      ORDER BY priority DESC, run_at, seq LIMIT ?""".formatted(Tx.statesThatCanBecome(JobStatus.InProgress));
  private static final String LABEL_SETS = "SELECT id, labels FROM label_sets ORDER BY id";

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

  /** A claim by a worker without labels. */
  public ClaimJobs(long at, String workerId, int max, long leaseMs) {
    this(at, workerId, max, leaseMs, List.of());
  }

  public ClaimJobs {
    labels = Labels.canonical(labels);
  }

  @Override
  public CommandType type() {
    return labels.isEmpty() ? CommandType.CLAIM_JOBS : CommandType.CLAIM_JOBS_WITH_LABELS;
  }

  @Override
  public void writeTo(WireWriter w) {
    writeWithoutLabels(w);
    if (!labels.isEmpty()) {
      WireLabels.write(w, labels);
    }
  }

  /** The type-2 layout: everything but the labels. */
  void writeWithoutLabels(WireWriter w) {
    w.i64(at).str(workerId).i32(max).i64(leaseMs);
  }

  static ClaimJobs read(WireReader r) {
    return new ClaimJobs(r.i64(), r.str(), r.i32(), r.i64());
  }

  static ClaimJobs readWithLabels(WireReader r) {
    return new ClaimJobs(r.i64(), r.str(), r.i32(), r.i64(), WireLabels.read(r));
  }

  private record Candidate(long seq, String workflow, String input, long timeoutMs, int attempt, JobStatus from,
      int failures, int maxAttempts, String module, boolean pinned, int execution, int steps) {}

  private record Row(long seq, String workflow, String input, long timeoutMs, int attempt, JobStatus from,
      int failures, int maxAttempts, String pinned, int execution, int steps, int priority, long runAt,
      String key, int limit, ConcurrencyPolicy policy, String reason) {}

  private static final Comparator<Row> QUEUE_ORDER = Comparator.comparingInt((Row r) -> -r.priority())
      .thenComparingLong(Row::runAt).thenComparingLong(Row::seq);

  @Override
  public Result apply(Tx tx) throws SQLException {
    int wanted = Math.max(0, max);
    List<Candidate> picked = new ArrayList<>();
    Map<String, String> latest = tx.latestModules();
    List<Long> sets = coveredSets(tx);
    ConcurrencyGroups groups = new ConcurrencyGroups(tx, at);
    // Jobs passed over (no stored version of their workflow yet, or a full concurrency group) are
    // skipped; ask again for as many more. A job cancelled by its group changes the queue: look again.
    for (int limit = wanted, skipped = 0; ; limit = wanted + skipped) {
      picked.clear();
      groups.reset();
      skipped = 0;
      List<Row> rows = runnable(tx, sets, limit);
      for (Row row : rows) {
        String module = row.pinned() != null ? row.pinned() : latest.get(row.workflow());
        if (module == null) {
          skipped++;
          continue;
        }
        if (picked.size() == wanted) {
          continue;
        }
        ConcurrencyGroups.Verdict v = groups.admit(row.seq(), row.key(), row.limit(), row.policy(), row.reason());
        if (v != ConcurrencyGroups.Verdict.TAKE) {
          skipped++;
          continue;
        }
        picked.add(new Candidate(row.seq(), row.workflow(), row.input(), row.timeoutMs(), row.attempt() + 1,
            row.from(), row.failures(), row.maxAttempts(), module, row.pinned() != null, row.execution(),
            row.steps()));
      }
      if (groups.cancelledAny()) {
        skipped = limit - wanted; // the same window again, on the queue as the cancellations left it
        continue;
      }
      if (skipped == 0 || picked.size() == wanted || rows.size() < limit) {
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

  /** The ids of the label sets this worker's labels cover: set 0 (no labels) always. */
  private List<Long> coveredSets(Tx tx) throws SQLException {
    if (labels.isEmpty()) {
      return List.of(0L);
    }
    Set<String> have = new HashSet<>(labels);
    List<Long> out = new ArrayList<>();
    try (ResultSet rs = tx.sql(LABEL_SETS).executeQuery()) {
      while (rs.next()) {
        if (have.containsAll(Labels.split(rs.getString(2)))) {
          out.add(rs.getLong(1));
        }
      }
    }
    return out;
  }

  /** The first {@code limit} runnable jobs of these sets, in queue order: each set's first, merged. */
  private List<Row> runnable(Tx tx, List<Long> sets, int limit) throws SQLException {
    List<Row> all = new ArrayList<>();
    PreparedStatement ps = tx.sql(RUNNABLE);
    for (long set : sets) {
      ps.setLong(1, set);
      ps.setLong(2, at);
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          // pinned at submission, or the version that wrote the history this execution resumes from
          String pinned = rs.getString(9) != null ? rs.getString(9) : rs.getInt(11) > 0 ? rs.getString(12) : null;
          String key = rs.getString(15);
          all.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getInt(5),
              JobStatus.valueOf(rs.getString(6)), rs.getInt(7), rs.getInt(8), pinned, rs.getInt(10),
              rs.getInt(11), rs.getInt(13), rs.getLong(14), key, key == null ? 1 : rs.getInt(16),
              key == null ? ConcurrencyPolicy.QUEUE : ConcurrencyPolicy.parse(rs.getString(17)), rs.getString(18)));
        }
      }
    }
    if (sets.size() > 1) {
      all.sort(QUEUE_ORDER);
    }
    return all.size() > limit ? all.subList(0, limit) : all;
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
