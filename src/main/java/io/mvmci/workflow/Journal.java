package io.mvmci.workflow;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's local journal: the history of runs started without a {@link RunHistory} of their own
 * (the engine used on its own, its tests and benchmarks; a worker keeps its runs' histories in the
 * replicated log instead). One SQLite file ({@link JournalSql}), used by every run thread in turn:
 * each method holds this object's monitor for one statement or one transaction.
 *
 * <p>Durability: WAL with {@code synchronous=NORMAL} by default: a commit survives the death of the
 * process, not necessarily a power cut. Opened with {@code fsync}, {@code synchronous=FULL}.
 */
final class Journal implements AutoCloseable {
  /**
   * A run as recorded: identity, pinned module and input, steps (without their results, which
   * {@link #result} reads one at a time), and outcome if final. {@code runNo} is the journal's own
   * key for the run.
   */
  record RunRecord(long runNo, String runId, ModuleRef module, byte[] input, long startedAtMillis,
      RunOutcome outcome, List<Step> steps) {}

  /** What a run started with. */
  record RunHeader(ModuleRef module, byte[] input) {}

  private final Path file;
  private final JournalSql sql;
  private final LongAdder writes = new LongAdder();
  /**
   * The run ids the journal holds, with their run numbers. The file is opened in exclusive locking
   * mode, so only this object changes it: a run that is not here has no journal, and reading it takes
   * no query (every run starts with such a lookup, and almost every one is new).
   */
  private final Map<String, Long> present = new HashMap<>();
  /** The next run number: above every one the file holds, never handed out twice by this object. */
  private long nextRunNo;

  private Journal(Path file, JournalSql sql) throws SQLException {
    this.file = file;
    this.sql = sql;
    present.putAll(sql.runIds());
    nextRunNo = present.values().stream().mapToLong(n -> n + 1).max().orElse(0);
  }

  static Journal open(Path file) {
    return open(file, false);
  }

  /** Opens (creating if needed) the journal at {@code file}; {@code fsync}: every commit is fsynced. */
  static Journal open(Path file, boolean fsync) {
    try {
      return new Journal(file, JournalSql.open(file, fsync));
    } catch (SQLException e) {
      throw new JournalException("cannot open journal " + file + " (is another process using it?): "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new JournalException("cannot create the folder of journal " + file, e);
    }
  }

  /** SQLite's {@code synchronous} setting of the journal's connection: 1 NORMAL, 2 FULL. */
  synchronized int synchronous() {
    try {
      return sql.synchronous();
    } catch (SQLException e) {
      throw failure("read the synchronous setting", e);
    }
  }

  /** The run's record, if its journal exists. */
  synchronized Optional<RunRecord> read(String runId) {
    if (!present.containsKey(runId)) {
      return Optional.empty();
    }
    try {
      JournalSql.RunRow row = sql.run(runId);
      return row == null ? Optional.empty() : Optional.of(new RunRecord(row.runNo(), runId, row.module(),
          row.input(), row.startedAt(), row.outcome(), sql.steps(runId, row.runNo())));
    } catch (SQLException e) {
      throw failure("read run " + runId, e);
    }
  }

  /** The module and input a run started with, if its journal exists. */
  synchronized Optional<RunHeader> header(String runId) {
    if (!present.containsKey(runId)) {
      return Optional.empty();
    }
    try {
      JournalSql.RunRow row = sql.run(runId);
      return row == null ? Optional.empty() : Optional.of(new RunHeader(row.module(), row.input()));
    } catch (SQLException e) {
      throw failure("read run " + runId, e);
    }
  }

  /** The result of a run's step; read one at a time, as the run replays it. */
  synchronized byte[] result(long runNo, int seq) {
    try {
      return sql.result(runNo, seq);
    } catch (SQLException e) {
      throw failure("read step " + seq + " of run number " + runNo, e);
    }
  }

  /** Creates the journal of a new run; returns its run number. */
  synchronized long begin(String runId, ModuleRef module, byte[] input, long nowMillis) {
    try {
      long runNo = nextRunNo;
      sql.insertRun(runNo, runId, module, input, nowMillis);
      nextRunNo = runNo + 1;
      writes.increment();
      present.put(runId, runNo);
      return runNo;
    } catch (SQLException e) {
      throw failure("begin run " + runId, e);
    }
  }

  synchronized void append(long runNo, Step step) {
    try {
      sql.insertStep(runNo, step);
      writes.increment();
    } catch (SQLException e) {
      throw failure("append step " + step.seq() + " of run number " + runNo, e);
    }
  }

  /** Records the result of a step whose start was appended with {@code done = false}. */
  synchronized void complete(long runNo, int seq, int code, byte[] result) {
    try {
      if (!sql.completeStep(runNo, seq, code, result)) {
        throw new SQLException("no started step " + seq + " to complete");
      }
      writes.increment();
    } catch (SQLException e) {
      throw failure("complete step " + seq + " of run number " + runNo, e);
    }
  }

  /** Records a final outcome; the run is no longer unfinished. */
  synchronized void finish(String runId, RunOutcome outcome, long nowMillis) {
    try {
      sql.finishRun(runId, outcome, nowMillis);
      writes.increment();
    } catch (SQLException e) {
      throw failure("finish run " + runId, e);
    }
  }

  /** Rows written since the journal was opened (for metrics; not synchronized). */
  long writes() {
    return writes.sum();
  }

  synchronized List<UnfinishedRun> unfinished() {
    try {
      return sql.unfinished();
    } catch (SQLException e) {
      throw failure("list unfinished runs", e);
    }
  }

  /** Deletes a run's journal now; returns whether there was one. */
  synchronized boolean delete(String runId) {
    Long runNo = present.get(runId);
    if (runNo == null) {
      return false;
    }
    try {
      sql.deleteRun(runNo);
      present.remove(runId);
      return true;
    } catch (SQLException e) {
      throw failure("delete run " + runId, e);
    }
  }

  private JournalException failure(String what, SQLException e) {
    return new JournalException("journal " + file + ": cannot " + what + ": " + e.getMessage(), e);
  }

  @Override
  public synchronized void close() {
    try {
      sql.close();
    } catch (SQLException e) {
      throw failure("close", e);
    }
  }
}
