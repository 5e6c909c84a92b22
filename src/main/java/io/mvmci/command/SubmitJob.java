package io.mvmci.command;

import io.mvmci.job.Dispatch;
import io.mvmci.job.Job;
import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import io.mvmci.job.Labels;
import io.mvmci.job.Reasons;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Adds a job to the queue. Applying it assigns the next job sequence number; with an idempotency key
 * already known, it adds nothing and answers the existing job instead.
 *
 * @param at when the proposing node accepted the submission (ms since epoch)
 * @param workflow the workflow module's name
 * @param input the workflow's input, JSON text
 * @param url the job's URL, if it has one (the crawler's input; shown by /queue/list)
 * @param priority higher runs first
 * @param runAt the earliest time a worker may start the job (ms since epoch)
 * @param maxAttempts attempts before the job is Failed for good (at least 1)
 * @param timeoutMs wall-clock limit of one attempt
 * @param idempotencyKey the caller's key, or null
 * @param options what a submission may add beyond these (a pinned module version, ...); a
 *     submission with none is written in the type-1 layout, one with some in the type-16 layout
 */
public record SubmitJob(
    long at,
    String workflow,
    String input,
    String url,
    int priority,
    long runAt,
    int maxAttempts,
    long timeoutMs,
    String idempotencyKey,
    JobOptions options) implements Command {

  /** A submission with no options. */
  public SubmitJob(long at, String workflow, String input, String url, int priority, long runAt,
      int maxAttempts, long timeoutMs, String idempotencyKey) {
    this(at, workflow, input, url, priority, runAt, maxAttempts, timeoutMs, idempotencyKey, JobOptions.NONE);
  }

  private static final String FIND_BY_KEY = "SELECT seq FROM jobs WHERE idempotency_key = ?";
  private static final String INSERT = "jobs.insert";

  private static final String MODULE_KNOWN = "SELECT 1 FROM modules WHERE name = ? AND sha256 = ?";
  private static final String PIN = "UPDATE jobs SET pinned_sha256 = ? WHERE seq = ?";
  private static final String CHILD = "UPDATE jobs SET parent_seq = ?, detached = ? WHERE seq = ?";
  /** A job that runs after an unfinished one: it starts Waiting for it (JobRows.ended wakes it). */
  private static final String INSERT_WAITING = """
      INSERT INTO jobs (seq, status, workflow, input, url, priority, run_at, attempt, max_attempts,
                        timeout_ms, reason, idempotency_key, created_at, updated_at, waiting_for)
      VALUES (?, 'Waiting', ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)""";
  private static final String LABEL_SET = "SELECT id FROM label_sets WHERE labels = ?";
  private static final String NEW_LABEL_SET = "INSERT INTO label_sets (labels) VALUES (?)";
  private static final String DISPATCH = """
      UPDATE jobs SET label_set = ?, labels = ?, concurrency_key = ?, concurrency_limit = ?, concurrency_policy = ?
      WHERE seq = ?""";

  private static String insert(int rows) {
    return """
        INSERT INTO jobs (seq, status, workflow, input, url, priority, run_at, attempt, max_attempts,
                          timeout_ms, reason, idempotency_key, created_at, updated_at)
        VALUES %s""".formatted(RowBatches.repeat(rows, "(?, 'Pending', ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)"));
  }

  public SubmitJob {
    Objects.requireNonNull(workflow, "workflow");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(options, "options");
  }

  /** The earliest start: never before the submission itself. */
  public long effectiveRunAt() {
    return Math.max(runAt, at);
  }

  /** The job that applying this command creates as job {@code seq} (Pending: not one that waits {@code after} another). */
  public Job pendingJob(long seq) {
    long start = effectiveRunAt();
    return new Job(seq, JobStatus.Pending, workflow, input, url, priority, start, 0, 0, maxAttempts,
        timeoutMs, null, null, null, null, null, null, Reasons.submitted(at, start), idempotencyKey, at,
        at, null, null, null, options.moduleSha256(), 1, 0, null, null,
        options.parentSeq() < 0 ? null : options.parentSeq(), options.detached(), options.dispatch());
  }

  @Override
  public CommandType type() {
    return options.isEmpty() ? CommandType.SUBMIT_JOB : CommandType.SUBMIT_JOB_WITH_OPTIONS;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workflow).str(input).optStr(url).i32(priority).i64(runAt).i32(maxAttempts)
        .i64(timeoutMs).optStr(idempotencyKey);
    if (!options.isEmpty()) {
      options.writeTo(w);
    }
  }

  static SubmitJob read(WireReader r) {
    return new SubmitJob(r.i64(), r.str(), r.str(), r.optStr(), r.i32(), r.i64(), r.i32(), r.i64(),
        r.optStr());
  }

  static SubmitJob readWithOptions(WireReader r) {
    return new SubmitJob(r.i64(), r.str(), r.str(), r.optStr(), r.i32(), r.i64(), r.i32(), r.i64(),
        r.optStr(), JobOptions.read(r));
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    if (idempotencyKey != null) {
      PreparedStatement find = tx.sql(FIND_BY_KEY);
      find.setString(1, idempotencyKey);
      try (ResultSet rs = find.executeQuery()) {
        if (rs.next()) {
          return new Result.Submitted(rs.getLong(1), true);
        }
      }
    }
    if (options.moduleSha256() != null) {
      PreparedStatement known = tx.sql(MODULE_KNOWN);
      known.setString(1, workflow);
      known.setString(2, options.moduleSha256());
      try (ResultSet rs = known.executeQuery()) {
        if (!rs.next()) {
          return new Result.Rejected(Result.Reason.INVALID, "no version " + options.moduleSha256()
              + " of module " + workflow + " is deployed");
        }
      }
    }
    if (options.parentSeq() >= 0) {
      JobRows.State parent = tx.rows.load(options.parentSeq());
      if (parent == null) {
        return new Result.Rejected(Result.Reason.INVALID, "no parent job " + JobId.format(options.parentSeq()));
      }
      if (parent.status().isTerminal()) {
        return new Result.Rejected(Result.Reason.ILLEGAL_TRANSITION, "parent " + JobId.format(options.parentSeq())
            + " is already " + parent.status() + ": it spawns no more children");
      }
    }
    boolean waits = false;
    if (options.afterSeq() >= 0) {
      JobRows.State after = tx.rows.load(options.afterSeq());
      if (after == null) {
        return new Result.Rejected(Result.Reason.INVALID, "no job " + JobId.format(options.afterSeq()) + " to run after");
      }
      waits = !after.status().isTerminal();
    }
    Result submitted = waits ? insertWaiting(tx) : applyAll(List.of(this), tx).get(0);
    long seq = ((Result.Submitted) submitted).seq();
    if (options.moduleSha256() != null) {
      PreparedStatement pin = tx.sql(PIN);
      pin.setString(1, options.moduleSha256());
      pin.setLong(2, seq);
      pin.executeUpdate();
    }
    if (options.parentSeq() >= 0) {
      PreparedStatement child = tx.sql(CHILD);
      child.setLong(1, options.parentSeq());
      child.setInt(2, options.detached() ? 1 : 0);
      child.setLong(3, seq);
      child.executeUpdate();
      tx.childSubmitted();
    }
    if (!options.dispatch().isEmpty()) {
      storeDispatch(tx, seq, options.dispatch());
    }
    return submitted;
  }

  /**
   * Adds this job as Waiting for job {@code options.afterSeq()}, which has not finished: created
   * waiting rather than Pending then moved (the transition table has no Pending to Waiting), it is
   * woken like a run suspended on that job ({@link JobRows#ended}).
   */
  private Result insertWaiting(Tx tx) throws SQLException {
    long seq = tx.nextJobSeq++;
    String waitingFor = "job:" + options.afterSeq();
    PreparedStatement ps = tx.sql(INSERT_WAITING);
    int i = 1;
    ps.setLong(i++, seq);
    ps.setString(i++, workflow);
    ps.setString(i++, input);
    Tx.setNullable(ps, i++, url);
    ps.setInt(i++, priority);
    ps.setLong(i++, effectiveRunAt());
    ps.setInt(i++, maxAttempts);
    ps.setLong(i++, timeoutMs);
    ps.setString(i++, "submitted; " + Reasons.waiting(waitingFor, -1));
    Tx.setNullable(ps, i++, idempotencyKey);
    ps.setLong(i++, at);
    ps.setLong(i++, at);
    ps.setString(i, waitingFor);
    ps.executeUpdate();
    tx.moved(null, JobStatus.Waiting);
    tx.jobWaitAdded();
    tx.rows.eventsOfRange(seq, seq);
    return new Result.Submitted(seq, false);
  }

  /** Stores the job's labels (as the id of their set, made if new) and its concurrency group. */
  private static void storeDispatch(Tx tx, long seq, Dispatch d) throws SQLException {
    long set = 0;
    if (!d.labels().isEmpty()) {
      String labels = Labels.join(Labels.canonical(d.labels()));
      PreparedStatement find = tx.sql(LABEL_SET);
      find.setString(1, labels);
      try (ResultSet rs = find.executeQuery()) {
        set = rs.next() ? rs.getLong(1) : -1;
      }
      if (set < 0) {
        PreparedStatement add = tx.sql(NEW_LABEL_SET);
        add.setString(1, labels);
        add.executeUpdate();
        try (ResultSet rs = find.executeQuery()) {
          rs.next();
          set = rs.getLong(1);
        }
      }
    }
    PreparedStatement ps = tx.sql(DISPATCH);
    ps.setLong(1, set);
    Tx.setNullable(ps, 2, d.labels().isEmpty() ? null : Labels.join(d.labels()));
    Tx.setNullable(ps, 3, d.concurrencyKey());
    if (d.concurrencyKey() == null) {
      ps.setNull(4, java.sql.Types.INTEGER);
    } else {
      ps.setInt(4, d.concurrencyLimit());
    }
    Tx.setNullable(ps, 5, d.concurrencyKey() == null ? null : d.policy().wireName());
    ps.setLong(6, seq);
    ps.executeUpdate();
    if (d.concurrencyKey() != null) {
      tx.groupSubmitted();
    }
  }

  /** Whether this submission may apply in one statement with the plain ones around it. */
  boolean batches() {
    return idempotencyKey == null && options.isEmpty();
  }

  /**
   * Keyless submissions, in order, with the same effect as {@link #apply} on each: a multi-row INSERT
   * a chunk (a lone submission is a chunk of one), then one copy of the new rows into their events.
   */
  static List<Result> applyAll(List<SubmitJob> run, Tx tx) throws SQLException {
    RowBatches insert = tx.batch(INSERT, SubmitJob::insert);
    long first = tx.nextJobSeq;
    List<Result> out = new ArrayList<>(run.size());
    for (int from = 0; from < run.size(); ) {
      int n = RowBatches.chunk(run.size() - from);
      PreparedStatement ps = insert.forRows(n);
      int i = 1;
      for (SubmitJob c : run.subList(from, from + n)) {
        long seq = tx.nextJobSeq++;
        i = c.bind(ps, i, seq);
        tx.moved(null, JobStatus.Pending);
        out.add(new Result.Submitted(seq, false));
      }
      ps.executeUpdate();
      from += n;
    }
    tx.rows.eventsOfRange(first, tx.nextJobSeq - 1);
    return out;
  }

  /** Binds this job as {@code seq}, as the row that starts at parameter {@code i}; returns the next. */
  private int bind(PreparedStatement ps, int i, long seq) throws SQLException {
    long start = effectiveRunAt();
    ps.setLong(i++, seq);
    ps.setString(i++, workflow);
    ps.setString(i++, input);
    Tx.setNullable(ps, i++, url);
    ps.setInt(i++, priority);
    ps.setLong(i++, start);
    ps.setInt(i++, maxAttempts);
    ps.setLong(i++, timeoutMs);
    ps.setString(i++, Reasons.submitted(at, start));
    Tx.setNullable(ps, i++, idempotencyKey);
    ps.setLong(i++, at);
    ps.setLong(i++, at);
    return i;
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Submitted s && !s.duplicate()) {
      effects.jobSubmitted(s.seq(), at, workflow);
      effects.workReady();
    }
  }
}
