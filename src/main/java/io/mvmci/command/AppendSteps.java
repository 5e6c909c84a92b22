package io.mvmci.command;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Appends to a run's replicated history: the steps its worker journaled, under the worker's current
 * claim, in order. A step's result reaches the guest only after the command that carries it applied,
 * so any node can resume the run by replaying the history and no side effect whose result the guest
 * saw happens twice.
 *
 * <p>Each {@link Write} is a whole step, the start of one ({@code http_request} records its start
 * before sending), or a piece of a step's result: results larger than an entry should carry are
 * split into pieces ({@code offset}), each in a command of its own, so that a big response never
 * holds up the log in one entry. A step is done when the write with {@code last} applies.
 *
 * <p>Apply refuses the whole command, writing nothing, when the claim is not current (the fencing
 * token is the attempt: a worker whose lease was taken over cannot append), when a write is not the
 * next one, or when a limit stamped by the proposing node is broken ({@code LIMIT}). A write that
 * repeats what the history already holds (the retry of a command whose outcome was unknown) is
 * skipped, so appending is idempotent.
 *
 * <p>Log and progress steps also write the job's log line and progress, in the same transaction.
 *
 * @param limits the history limits of the proposing node
 */
public record AppendSteps(long at, String workerId, JobRef job, List<Write> writes, Limits limits)
    implements Command {

  /**
   * One write of a step.
   *
   * @param seq the step's position in the execution, from 0
   * @param kind the host import's name
   * @param digest sha-256 of the step's request
   * @param summary the request, shortened, for people
   * @param code the call's return code (http_request), the level (log) or the percent (progress)
   * @param offset where {@code bytes} go in the step's result: 0 for a new step or a result's first
   *     piece
   * @param bytes the result (or this piece of it): what the guest sees
   * @param last whether the step is done with this write; false for a start or a piece
   */
  public record Write(int seq, String kind, byte[] digest, String summary, int code, int offset,
      byte[] bytes, boolean last) {
    public Write {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(digest, "digest");
      Objects.requireNonNull(summary, "summary");
      Objects.requireNonNull(bytes, "bytes");
    }

    void writeTo(WireWriter w) {
      w.i32(seq).str(kind).bytes(digest).str(summary).i32(code).i32(offset).bytes(bytes).bool(last);
    }

    static Write read(WireReader r) {
      return new Write(r.i32(), r.str(), r.bytes(), r.str(), r.i32(), r.i32(), r.bytes(), r.bool());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Write x && seq == x.seq && kind.equals(x.kind) && Arrays.equals(digest, x.digest)
          && summary.equals(x.summary) && code == x.code && offset == x.offset
          && Arrays.equals(bytes, x.bytes) && last == x.last;
    }

    @Override
    public int hashCode() {
      return Objects.hash(seq, kind, Arrays.hashCode(digest), code, offset, Arrays.hashCode(bytes), last);
    }

    @Override
    public String toString() {
      return "Write[" + seq + " " + kind + " @" + offset + "+" + bytes.length + (last ? " last" : "") + "]";
    }
  }

  /**
   * How large one run's history may grow.
   *
   * @param maxStepBytes the largest result of one step
   * @param maxHistoryBytes the most result bytes of one execution
   * @param maxSteps the most steps of one execution
   */
  public record Limits(int maxStepBytes, long maxHistoryBytes, int maxSteps) {
    void writeTo(WireWriter w) {
      w.i32(maxStepBytes).i64(maxHistoryBytes).i32(maxSteps);
    }

    static Limits read(WireReader r) {
      return new Limits(r.i32(), r.i64(), r.i32());
    }
  }

  private static final String RUN = """
      SELECT status, attempt, worker_id, execution, history_steps, history_bytes FROM jobs WHERE seq = ?""";
  private static final String STEP = """
      SELECT id, kind, digest, done, length(result) FROM job_steps
      WHERE job_seq = ? AND execution = ? AND seq = ?""";
  private static final String INSERT = """
      INSERT INTO job_steps (job_seq, execution, seq, attempt, kind, digest, summary, done, code, result,
                             started_at, finished_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
  private static final String REPLACE = """
      UPDATE job_steps SET result = ?, done = ?, code = ?, finished_at = ? WHERE id = ?""";
  private static final String EXTEND = """
      UPDATE job_steps SET result = result || ?, done = ?, code = ?, finished_at = ? WHERE id = ?""";
  private static final String COUNT = "UPDATE jobs SET history_steps = ?, history_bytes = ? WHERE seq = ?";
  private static final String PROGRESS =
      "UPDATE jobs SET progress = ?, progress_message = ?, updated_at = ? WHERE seq = ?";

  public AppendSteps {
    writes = List.copyOf(writes);
  }

  @Override
  public CommandType type() {
    return CommandType.APPEND_STEPS;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workerId);
    job.writeTo(w);
    Lists.write(w, writes, Write::writeTo);
    limits.writeTo(w);
  }

  static AppendSteps read(WireReader r) {
    return new AppendSteps(r.i64(), r.str(), JobRef.read(r), Lists.read(r, Write::read), Limits.read(r));
  }

  /** What one write did: refused (nothing written), or grew the history by some bytes, or was a repeat. */
  private record Applied(Result refused, long grew, boolean repeat) {}

  /** The job's claim and history counters, as apply reads them. */
  private record Run(String status, int attempt, String workerId, int execution, int steps, long bytes) {}

  @Override
  public Result apply(Tx tx) throws SQLException {
    Run run = run(tx);
    if (run == null) {
      return new Result.Rejected(Result.Reason.UNKNOWN_JOB, "no job " + io.mvmci.job.JobId.format(job.seq()));
    }
    if (!run.status().equals("InProgress") || run.attempt() != job.attempt() || !workerId.equals(run.workerId())) {
      return new Result.Rejected(Result.Reason.STALE_CLAIM, "claim " + job.attempt() + " of "
          + io.mvmci.job.JobId.format(job.seq()) + " by " + workerId + " is not current: the job is "
          + run.status() + (run.status().equals("InProgress")
              ? ", attempt " + run.attempt() + " on " + run.workerId() : ""));
    }
    // A lone write is refused before it writes anything; several need a savepoint to undo the first ones.
    boolean savepoint = writes.size() > 1;
    if (savepoint) {
      tx.execute("SAVEPOINT steps");
    }
    Result refused = null;
    int steps = run.steps();
    long bytes = run.bytes();
    for (Write w : writes) {
      Applied applied;
      if (w.seq() == steps) {
        Result limit = limit(w.seq(), w.bytes().length, steps + 1, bytes + w.bytes().length);
        if (limit == null) {
          insert(tx, run.execution(), w);
          steps++;
          applied = new Applied(null, w.bytes().length, false);
        } else {
          applied = new Applied(limit, 0, false);
        }
      } else if (w.seq() < steps && w.seq() >= 0) {
        applied = continueStep(tx, run.execution(), w, bytes);
      } else {
        applied = new Applied(new Result.Rejected(Result.Reason.INVALID, "step " + w.seq() + " of "
            + io.mvmci.job.JobId.format(job.seq()) + " is not the next one: its history has " + steps), 0, false);
      }
      if (applied.refused() != null) {
        refused = applied.refused();
        break;
      }
      bytes += applied.grew();
      if (w.last() && !applied.repeat()) {
        effects(tx, w);
      }
    }
    if (refused != null) {
      if (savepoint) {
        tx.execute("ROLLBACK TO steps");
        tx.execute("RELEASE steps");
      }
      return refused;
    }
    PreparedStatement count = tx.sql(COUNT);
    count.setInt(1, steps);
    count.setLong(2, bytes);
    count.setLong(3, job.seq());
    count.executeUpdate();
    if (savepoint) {
      tx.execute("RELEASE steps");
    }
    return new Result.Ack();
  }

  private Run run(Tx tx) throws SQLException {
    PreparedStatement ps = tx.sql(RUN);
    ps.setLong(1, job.seq());
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? new Run(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
          rs.getLong(6)) : null;
    }
  }

  /** A refusal if a step of {@code stepBytes}, or the history after it, breaks a limit; else null. */
  private Result limit(int seq, long stepBytes, int stepsAfter, long historyBytesAfter) {
    String why = null;
    if (stepBytes > limits.maxStepBytes()) {
      why = "the result of step " + seq + " is " + stepBytes + " bytes, over the limit of "
          + limits.maxStepBytes() + " bytes a step";
    } else if (historyBytesAfter > limits.maxHistoryBytes()) {
      why = "the run's history would hold " + historyBytesAfter + " bytes, over the limit of "
          + limits.maxHistoryBytes() + " bytes a run";
    } else if (stepsAfter > limits.maxSteps()) {
      why = "the run would have " + stepsAfter + " steps, over the limit of " + limits.maxSteps() + " a run";
    }
    return why == null ? null : new Result.Rejected(Result.Reason.LIMIT, why);
  }

  private void insert(Tx tx, int execution, Write w) throws SQLException {
    PreparedStatement ps = tx.sql(INSERT);
    int i = 1;
    ps.setLong(i++, job.seq());
    ps.setInt(i++, execution);
    ps.setInt(i++, w.seq());
    ps.setInt(i++, job.attempt());
    ps.setString(i++, w.kind());
    ps.setBytes(i++, w.digest());
    ps.setString(i++, w.summary());
    ps.setInt(i++, w.last() ? 1 : 0);
    ps.setInt(i++, w.code());
    ps.setBytes(i++, w.bytes());
    ps.setLong(i++, at);
    if (w.last()) {
      ps.setLong(i, at);
    } else {
      ps.setNull(i, java.sql.Types.INTEGER);
    }
    ps.executeUpdate();
  }

  /**
   * A write to a step the history holds: the rest of its result (or all of it again, for a started
   * step being finished after a resume), or a repeat of what is there (a retried command).
   */
  private Applied continueStep(Tx tx, int execution, Write w, long historyBytes) throws SQLException {
    PreparedStatement find = tx.sql(STEP);
    find.setLong(1, job.seq());
    find.setInt(2, execution);
    find.setInt(3, w.seq());
    long id;
    boolean done;
    long length;
    try (ResultSet rs = find.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("history of " + job + " counts step " + w.seq() + " but has no row");
      }
      if (!rs.getString(2).equals(w.kind()) || !Arrays.equals(rs.getBytes(3), w.digest())) {
        return new Applied(new Result.Rejected(Result.Reason.INVALID, "step " + w.seq() + " of "
            + io.mvmci.job.JobId.format(job.seq()) + " was recorded as another request"), 0, false);
      }
      id = rs.getLong(1);
      done = rs.getInt(4) == 1;
      length = rs.getLong(5);
    }
    long end = (long) w.offset() + w.bytes().length;
    if (done || (w.offset() > 0 && end <= length)) {
      return new Applied(null, 0, true);
    }
    long newLength;
    PreparedStatement ps;
    if (w.offset() == 0) {
      newLength = w.bytes().length;
      ps = tx.sql(REPLACE);
    } else if (w.offset() == length) {
      newLength = end;
      ps = tx.sql(EXTEND);
    } else {
      return new Applied(new Result.Rejected(Result.Reason.INVALID, "step " + w.seq() + " of "
          + io.mvmci.job.JobId.format(job.seq()) + ": a piece at " + w.offset() + " after " + length + " bytes"),
          0, false);
    }
    Result refused = limit(w.seq(), newLength, 0, historyBytes + newLength - length);
    if (refused != null) {
      return new Applied(refused, 0, false);
    }
    ps.setBytes(1, w.bytes());
    ps.setInt(2, w.last() ? 1 : 0);
    ps.setInt(3, w.code());
    if (w.last()) {
      ps.setLong(4, at);
    } else {
      ps.setNull(4, java.sql.Types.INTEGER);
    }
    ps.setLong(5, id);
    ps.executeUpdate();
    return new Applied(null, newLength - length, false);
  }

  /** A finished log or progress step is also the job's log line or progress. */
  private void effects(Tx tx, Write w) throws SQLException {
    if (w.kind().equals("log")) {
      ReportProgress.appendLine(tx, job, at, w.code(), new String(w.bytes(), java.nio.charset.StandardCharsets.UTF_8));
    } else if (w.kind().equals("progress")) {
      PreparedStatement ps = tx.sql(PROGRESS);
      ps.setInt(1, Math.max(0, Math.min(100, w.code())));
      ps.setString(2, new String(w.bytes(), java.nio.charset.StandardCharsets.UTF_8));
      ps.setLong(3, at);
      ps.setLong(4, job.seq());
      ps.executeUpdate();
    }
  }

  @Override
  public void announce(Result result, Effects effects) {
    // the history is read from the database; nothing waits for an append (the proposer has its result),
    // but the live views show the new steps, log lines and progress
    if (result instanceof Result.Ack) {
      effects.jobProgressed(job.seq());
    }
  }
}
