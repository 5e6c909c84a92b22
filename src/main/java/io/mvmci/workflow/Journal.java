package io.mvmci.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.sqlite.SQLiteConfig;

/**
 * The local journal of workflow runs: one SQLite file, one connection, used by every run thread
 * in turn (each method holds the connection for one statement or one transaction).
 *
 * <p>Durability: WAL with {@code synchronous=NORMAL} by default. A commit reaches the operating
 * system before the call returns, so it survives the death of the process (kill -9) but not
 * necessarily a power cut, which can lose the last commits: their steps then run again on
 * resume. Opened with {@code fsync}, it is {@code synchronous=FULL}: every commit is fsynced
 * before the call returns, and a power cut loses no step. The file is opened in exclusive locking
 * mode, so a second process cannot open it.
 */
final class Journal implements AutoCloseable {
  private static final int SCHEMA_VERSION = 1;
  /** Most doomed runs kept before they are deleted in one transaction. */
  static final int DELETE_BATCH = 256;

  /**
   * A run as recorded: identity, pinned module and input, steps (without their results, which
   * {@link #result} reads one at a time), and outcome if final. {@code runNo} is the journal's
   * own key for the run.
   */
  record RunRecord(long runNo, String runId, ModuleRef module, byte[] input, long startedAtMillis,
      RunOutcome outcome, List<Step> steps) {}

  /** What a run started with. */
  record RunHeader(ModuleRef module, byte[] input) {}

  private final Path file;
  private final Connection connection;
  private final PreparedStatement insertStep;
  private final PreparedStatement completeStep;
  private final PreparedStatement selectResult;
  // Every statement a run uses, prepared once: preparing them per run was a good part of a short
  // run's cost (profiled: a no-op job spent more time in the journal than in Chicory).
  private final PreparedStatement selectRun;
  private final PreparedStatement selectHeader;
  private final PreparedStatement insertRun;
  private final PreparedStatement finishRun;
  private final PreparedStatement deleteRun;
  private final PreparedStatement deleteSteps;
  private final PreparedStatement selectSteps;
  private final LongAdder writes = new LongAdder();
  /**
   * Runs whose journal is to be deleted with the next batch ({@link #deleteLater}). Every read or
   * write naming one of them deletes the batch first, so a doomed run is never seen again.
   */
  private final Set<String> doomed = new LinkedHashSet<>();
  /**
   * The run ids the journal holds, with their run numbers. The file is opened in exclusive locking
   * mode, so only this object changes it: a run that is not here has no journal, and reading it
   * takes no query (every run starts with such a lookup, and almost every one is new).
   */
  private final Map<String, Long> present = new HashMap<>();
  /**
   * The next run number: above every one the file holds, and never handed out twice by this
   * object (a deleted run's number is not reused). Numbering here saves the insert a
   * {@code RETURNING} clause, a third of a claimed batch's journal cost.
   */
  private long nextRunNo;
  /**
   * Runs begun by {@link #beginAll} that have no step and no outcome yet, as {@link #read} would
   * find them: their first read takes no query. Dropped at the run's first step, outcome or delete.
   */
  private final Map<String, RunRecord> fresh = new HashMap<>();
  private final Map<Long, String> freshByNo = new HashMap<>();
  private record Finish(RunOutcome outcome, long at) {}
  /** Outcomes {@link #finishLater} holds until the next batch is written. */
  private final Map<String, Finish> finishing = new LinkedHashMap<>();

  private Journal(Path file, Connection connection) throws SQLException {
    this.file = file;
    this.connection = connection;
    try (Statement s = connection.createStatement();
         ResultSet rs = s.executeQuery("SELECT run_id, run_no FROM run")) {
      while (rs.next()) {
        present.put(rs.getString(1), rs.getLong(2));
        nextRunNo = Math.max(nextRunNo, rs.getLong(2) + 1);
      }
    }
    this.insertStep = connection.prepareStatement(
        "INSERT INTO step (id, kind, digest, summary, done, code, result) VALUES (?, ?, ?, ?, ?, ?, ?)");
    this.completeStep = connection.prepareStatement(
        "UPDATE step SET done = 1, code = ?, result = ? WHERE id = ? AND done = 0");
    this.selectResult = connection.prepareStatement("SELECT result FROM step WHERE id = ?");
    this.selectRun = connection.prepareStatement(
        "SELECT run_no, module_name, module_sha256, input, started_at, outcome, reason, output"
            + " FROM run WHERE run_id = ?");
    this.selectHeader = connection.prepareStatement(
        "SELECT module_name, module_sha256, input FROM run WHERE run_id = ?");
    this.insertRun = connection.prepareStatement(
        "INSERT INTO run (run_no, run_id, module_name, module_sha256, input, started_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)");
    this.finishRun = connection.prepareStatement(
        "UPDATE run SET finished_at = ?, outcome = ?, reason = ?, output = ? WHERE run_id = ?");
    this.deleteRun = connection.prepareStatement("DELETE FROM run WHERE run_no = ?");
    this.deleteSteps = connection.prepareStatement("DELETE FROM step WHERE id BETWEEN ? AND ?");
    this.selectSteps = connection.prepareStatement(
        "SELECT id, kind, digest, summary, done, code FROM step WHERE id BETWEEN ? AND ? ORDER BY id");
  }

  static Journal open(Path file) {
    return open(file, false);
  }

  /** Opens (creating if needed) the journal at {@code file}; {@code fsync}: every commit is fsynced. */
  static Journal open(Path file, boolean fsync) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      SQLiteConfig config = new SQLiteConfig();
      // Otherwise the driver runs "SELECT last_insert_rowid()" after every INSERT (measured:
      // a good part of a journaled call's cost).
      config.setGetGeneratedKeys(false);
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = 2000");
        s.execute("PRAGMA locking_mode = EXCLUSIVE");
        s.execute("PRAGMA journal_mode = WAL");
        s.execute(fsync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        // After a checkpoint, cut the WAL back (a large HTTP response can grow it to tens of MB).
        s.execute("PRAGMA journal_size_limit = 16777216");
        migrate(s);
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      return new Journal(file, c);
    } catch (SQLException e) {
      throw new JournalException("cannot open journal " + file + " (is another process using it?): "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new JournalException("cannot create the folder of journal " + file, e);
    }
  }

  /** SQLite's {@code synchronous} setting of the journal's connection: 1 NORMAL, 2 FULL. */
  synchronized int synchronous() {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new JournalException("cannot read the journal's synchronous setting: " + e.getMessage(), e);
    }
  }

  private static void migrate(Statement s) throws SQLException {
    int version;
    try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      version = rs.getInt(1);
    }
    if (version > SCHEMA_VERSION) {
      throw new SQLException("journal schema version " + version + " is newer than this engine's "
          + SCHEMA_VERSION);
    }
    if (version == 0) {
      s.execute("CREATE TABLE run ("
          + " run_no INTEGER PRIMARY KEY, run_id TEXT NOT NULL UNIQUE,"
          + " module_name TEXT NOT NULL, module_sha256 TEXT NOT NULL, input BLOB NOT NULL,"
          + " started_at INTEGER NOT NULL, finished_at INTEGER, outcome TEXT, reason TEXT, output BLOB)");
      // One B-tree keyed by (run_no << 32 | seq): a step is one page write, not a row plus an
      // index entry (measured: about half the cost of a (run_id, seq) primary key).
      s.execute("CREATE TABLE step ("
          + " id INTEGER PRIMARY KEY, kind TEXT NOT NULL, digest BLOB NOT NULL, summary TEXT NOT NULL,"
          + " done INTEGER NOT NULL, code INTEGER NOT NULL, result BLOB)");
      s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  /** The run's record, if its journal exists. */
  synchronized Optional<RunRecord> read(String runId) {
    settleIfDoomed(runId);
    if (!present.containsKey(runId)) {
      return Optional.empty();
    }
    RunRecord begun = fresh.get(runId);
    if (begun != null) {
      return Optional.of(begun);
    }
    try {
      PreparedStatement ps = selectRun;
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long runNo = rs.getLong(1);
        Finish pending = finishing.get(runId);
        RunOutcome outcome = pending != null ? pending.outcome()
            : outcome(rs.getString(6), rs.getString(7), rs.getBytes(8));
        return Optional.of(new RunRecord(runNo, runId,
            ModuleRef.exact(rs.getString(2), rs.getString(3)), rs.getBytes(4), rs.getLong(5),
            outcome, steps(runId, runNo)));
      }
    } catch (SQLException e) {
      throw failure("read run " + runId, e);
    }
  }

  /** The module and input a run started with, if its journal exists. */
  synchronized Optional<RunHeader> header(String runId) {
    settleIfDoomed(runId);
    if (!present.containsKey(runId)) {
      return Optional.empty();
    }
    RunRecord begun = fresh.get(runId);
    if (begun != null) {
      return Optional.of(new RunHeader(begun.module(), begun.input()));
    }
    try {
      PreparedStatement ps = selectHeader;
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new RunHeader(ModuleRef.exact(rs.getString(1), rs.getString(2)), rs.getBytes(3)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read run " + runId, e);
    }
  }

  /** The result of a run's step; read one at a time, as the run replays it. */
  synchronized byte[] result(long runNo, int seq) {
    try {
      selectResult.setLong(1, stepId(runNo, seq));
      try (ResultSet rs = selectResult.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("no step " + seq);
        }
        byte[] result = rs.getBytes(1);
        return result == null ? new byte[0] : result;
      }
    } catch (SQLException e) {
      throw failure("read step " + seq + " of run number " + runNo, e);
    }
  }

  /** Creates the journal of a new run; returns its run number. */
  synchronized long begin(String runId, ModuleRef module, byte[] input, long nowMillis) {
    settleIfDoomed(runId);
    try {
      long runNo = insertRun(runId, module, input, nowMillis);
      writes.increment();
      present.put(runId, runNo);
      return runNo;
    } catch (SQLException e) {
      throw failure("begin run " + runId, e);
    }
  }

  /** Inserts a run's header; returns its run number. */
  private long insertRun(String runId, ModuleRef module, byte[] input, long nowMillis) throws SQLException {
    long runNo = nextRunNo;
    insertRun.setLong(1, runNo);
    insertRun.setString(2, runId);
    insertRun.setString(3, module.name());
    insertRun.setString(4, module.sha256());
    insertRun.setBytes(5, input);
    insertRun.setLong(6, nowMillis);
    insertRun.executeUpdate();
    nextRunNo = runNo + 1;
    return runNo;
  }

  /** Work done in one transaction: {@link #inTransaction}. */
  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  /** Runs {@code work} in one transaction, rolled back if it throws. */
  private <T> T inTransaction(String what, SqlWork<T> work) {
    try {
      connection.setAutoCommit(false);
      try {
        T result = work.run();
        connection.commit();
        return result;
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** A run to begin with others: {@link #beginAll}. */
  record NewRun(String runId, ModuleRef module, byte[] input) {}

  /**
   * Creates the journals of several new runs in one transaction (a worker that claimed a batch of
   * jobs): one commit instead of one per run, which was a quarter of a no-op run's thread time.
   * Runs that already have a journal are left alone. Each then reads as a run with no steps.
   */
  synchronized void beginAll(List<NewRun> runs, long nowMillis) {
    List<NewRun> todo = new ArrayList<>(runs.size());
    for (NewRun run : runs) {
      settleIfDoomed(run.runId());
      if (!present.containsKey(run.runId())) {
        todo.add(run);
      }
    }
    if (todo.isEmpty()) {
      return;
    }
    List<RunRecord> begun = inTransaction("begin " + todo.size() + " runs", () -> {
      List<RunRecord> records = new ArrayList<>(todo.size());
      for (NewRun run : todo) {
        long runNo = insertRun(run.runId(), run.module(), run.input(), nowMillis);
        records.add(new RunRecord(runNo, run.runId(), run.module(), run.input(), nowMillis, null, List.of()));
      }
      return records;
    });
    for (RunRecord r : begun) {
      writes.increment();
      present.put(r.runId(), r.runNo());
      fresh.put(r.runId(), r);
      freshByNo.put(r.runNo(), r.runId());
    }
  }

  private void notFresh(String runId) {
    RunRecord r = fresh.remove(runId);
    if (r != null) {
      freshByNo.remove(r.runNo());
    }
  }

  private void notFresh(long runNo) {
    String runId = freshByNo.remove(runNo);
    if (runId != null) {
      fresh.remove(runId);
    }
  }

  synchronized void append(long runNo, Step step) {
    notFresh(runNo);
    try {
      insertStep.setLong(1, stepId(runNo, step.seq()));
      insertStep.setString(2, step.request().kind().importName());
      insertStep.setBytes(3, step.request().digest());
      insertStep.setString(4, step.request().summary());
      insertStep.setInt(5, step.done() ? 1 : 0);
      insertStep.setInt(6, step.code());
      insertStep.setBytes(7, step.result());
      insertStep.executeUpdate();
      writes.increment();
    } catch (SQLException e) {
      throw failure("append step " + step.seq() + " of run number " + runNo, e);
    }
  }

  /** Records the result of a step whose start was appended with {@code done = false}. */
  synchronized void complete(long runNo, int seq, int code, byte[] result) {
    notFresh(runNo);
    try {
      completeStep.setInt(1, code);
      completeStep.setBytes(2, result);
      completeStep.setLong(3, stepId(runNo, seq));
      if (completeStep.executeUpdate() != 1) {
        throw new SQLException("no started step " + seq + " to complete");
      }
      writes.increment();
    } catch (SQLException e) {
      throw failure("complete step " + seq + " of run number " + runNo, e);
    }
  }

  /** Records a final outcome now; the run is no longer unfinished. */
  synchronized void finish(String runId, RunOutcome outcome, long nowMillis) {
    settleIfDoomed(runId);
    notFresh(runId);
    finishing.remove(runId);
    try {
      bindFinish(runId, outcome, nowMillis);
      finishRun.executeUpdate();
      writes.increment();
    } catch (SQLException e) {
      throw failure("finish run " + runId, e);
    }
  }

  /**
   * Records a final outcome with the next batch ({@link #writePending}, or at
   * {@link #DELETE_BATCH} waiting): a transaction per run was half a no-op run's thread time. This
   * journal answers as if it were written ({@link #read} sees the outcome; {@link #unfinished}
   * writes the batch first). If the process dies first, the run is unfinished at the next start
   * and is resumed: its journaled steps replay without repeating their effects, so it settles to
   * the same outcome. A run deleted before the batch is written never writes it.
   */
  synchronized void finishLater(String runId, RunOutcome outcome, long nowMillis) {
    settleIfDoomed(runId);
    notFresh(runId);
    finishing.put(runId, new Finish(outcome, nowMillis));
    if (finishing.size() >= DELETE_BATCH) {
      writePending();
    }
  }

  private void bindFinish(String runId, RunOutcome outcome, long nowMillis) throws SQLException {
    PreparedStatement ps = finishRun;
    ps.setLong(1, nowMillis);
    if (outcome instanceof RunOutcome.Succeeded s) {
      ps.setString(2, "SUCCEEDED");
      ps.setString(3, null);
      ps.setBytes(4, s.output());
    } else if (outcome instanceof RunOutcome.Failed f) {
      ps.setString(2, f.kind().name());
      ps.setString(3, f.reason());
      ps.setBytes(4, f.output().length == 0 ? null : f.output());
    }
    ps.setString(5, runId);
  }

  /** Writes the outcomes {@link #finishLater} holds, in one transaction. */
  private void writeFinishes() {
    if (finishing.isEmpty()) {
      return;
    }
    List<Map.Entry<String, Finish>> batch = List.copyOf(finishing.entrySet());
    inTransaction("finish " + batch.size() + " runs", () -> {
      for (Map.Entry<String, Finish> f : batch) {
        bindFinish(f.getKey(), f.getValue().outcome(), f.getValue().at());
        finishRun.executeUpdate();
      }
      return null;
    });
    finishing.clear();
    writes.add(batch.size());
  }

  /** Rows written since the journal was opened (for metrics; not synchronized). */
  long writes() {
    return writes.sum();
  }

  synchronized List<UnfinishedRun> unfinished() {
    writePending();
    List<UnfinishedRun> runs = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT run_id, module_name, module_sha256, input, started_at FROM run"
            + " WHERE finished_at IS NULL ORDER BY started_at, run_id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        runs.add(new UnfinishedRun(rs.getString(1), ModuleRef.exact(rs.getString(2), rs.getString(3)),
            rs.getBytes(4), rs.getLong(5)));
      }
      return runs;
    } catch (SQLException e) {
      throw failure("list unfinished runs", e);
    }
  }

  /** Deletes a run's journal now; returns whether there was one. */
  synchronized boolean delete(String runId) {
    settleIfDoomed(runId);
    finishing.remove(runId);
    return deleteAll(List.of(runId)) == 1;
  }

  /**
   * Deletes a run's journal with the next batch: at {@link #DELETE_BATCH} doomed runs, on
   * {@link #deleteDoomed}, or as soon as anything reads or writes the run. For runs whose outcome
   * was acknowledged: one transaction for many deletions instead of one each (a no-op job's delete
   * was 45 % of a worker's reporting thread). Deletions lost in a crash leave rows the next start
   * ignores (finished runs) or finds stale and deletes (unfinished ones).
   */
  synchronized void deleteLater(String runId) {
    finishing.remove(runId);
    doomed.add(runId);
    if (doomed.size() >= DELETE_BATCH) {
      deleteDoomed();
    }
  }

  /** Deletes the journals of every run {@link #deleteLater} was told of. */
  synchronized void deleteDoomed() {
    if (doomed.isEmpty()) {
      return;
    }
    List<String> batch = List.copyOf(doomed);
    doomed.clear();
    deleteAll(batch);
  }

  /** Writes what waits: outcomes ({@link #finishLater}), then deletions ({@link #deleteLater}). */
  synchronized void writePending() {
    writeFinishes();
    deleteDoomed();
  }

  /** Runs waiting for {@link #deleteDoomed}: for tests. */
  synchronized int doomedCount() {
    return doomed.size();
  }

  private void settleIfDoomed(String runId) {
    if (doomed.contains(runId)) {
      deleteDoomed();
    }
  }

  /** Deletes these runs' journals in one transaction; returns how many existed. */
  private int deleteAll(List<String> runIds) {
    String what = "delete run " + (runIds.size() == 1 ? runIds.get(0) : runIds.size() + " runs");
    int existed = inTransaction(what, () -> {
      int found = 0;
      for (String runId : runIds) {
        Long runNo = present.get(runId);
        if (runNo == null) {
          continue;
        }
        deleteRun.setLong(1, runNo);
        deleteRun.executeUpdate();
        found++;
        deleteSteps.setLong(1, stepId(runNo, 0));
        deleteSteps.setLong(2, stepId(runNo, -1));
        deleteSteps.executeUpdate();
      }
      return found;
    });
    runIds.forEach(present::remove);
    runIds.forEach(this::notFresh);
    return existed;
  }

  private List<Step> steps(String runId, long runNo) throws SQLException {
    List<Step> steps = new ArrayList<>();
    {
      PreparedStatement ps = selectSteps;
      ps.setLong(1, stepId(runNo, 0));
      ps.setLong(2, stepId(runNo, -1));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          AbiImport kind = AbiImport.byName(rs.getString(2))
              .orElseThrow(() -> new SQLException("unknown step kind in journal"));
          Step.Request request = new Step.Request(kind, rs.getBytes(3), rs.getString(4));
          steps.add(new Step((int) rs.getLong(1) /* the low 32 bits: seq */, request, rs.getInt(5) == 1,
              rs.getInt(6), null));
        }
      }
    }
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).seq() != i) {
        throw new SQLException("journal of run " + runId + " has a gap before step " + steps.get(i).seq());
      }
    }
    return steps;
  }

  /** A step's key: the run number in the high 32 bits, the sequence number in the low 32. */
  private static long stepId(long runNo, int seq) {
    return runNo << 32 | Integer.toUnsignedLong(seq);
  }

  private static RunOutcome outcome(String outcome, String reason, byte[] output) {
    if (outcome == null) {
      return null;
    }
    if (outcome.equals("SUCCEEDED")) {
      return RunOutcome.succeeded(output == null ? new byte[0] : output);
    }
    return new RunOutcome.Failed(FailureKind.valueOf(outcome), reason, output);
  }

  private JournalException failure(String what, SQLException e) {
    return new JournalException("journal " + file + ": cannot " + what + ": " + e.getMessage(), e);
  }

  @Override
  public synchronized void close() {
    try {
      writePending();
    } catch (JournalException e) {
      // outcomes or deletions left unwritten: the next start resumes or deletes those runs
    }
    try {
      for (PreparedStatement ps : List.of(insertStep, completeStep, selectResult, selectRun, selectHeader,
          insertRun, finishRun, deleteRun, deleteSteps, selectSteps)) {
        ps.close();
      }
      connection.close();
    } catch (SQLException e) {
      throw failure("close", e);
    }
  }
}
