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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * The local journal's SQL: its schema, its connection and its statements, and nothing else (which
 * runs exist and how they are numbered is {@link Journal}'s). One connection, in exclusive locking
 * mode, so a second process cannot open the file. Not thread-safe: {@link Journal} serialises calls.
 *
 * <p>Steps live in one B-tree keyed {@code run_no << 32 | seq}: a step is one page write, not a row
 * plus an index entry (about half the cost of a {@code (run_id, seq)} primary key, measured).
 */
final class JournalSql implements AutoCloseable {
  private static final int SCHEMA_VERSION = 1;

  private final Connection c;
  private final PreparedStatement insertStep;
  private final PreparedStatement completeStep;
  private final PreparedStatement selectResult;
  private final PreparedStatement selectRun;
  private final PreparedStatement insertRun;
  private final PreparedStatement finishRun;
  private final PreparedStatement deleteRun;
  private final PreparedStatement deleteSteps;
  private final PreparedStatement selectSteps;

  /** A run's row. */
  record RunRow(long runNo, ModuleRef module, byte[] input, long startedAt, RunOutcome outcome) {}

  private JournalSql(Connection c) throws SQLException {
    this.c = c;
    insertStep = c.prepareStatement(
        "INSERT INTO step (id, kind, digest, summary, done, code, result) VALUES (?, ?, ?, ?, ?, ?, ?)");
    completeStep = c.prepareStatement("UPDATE step SET done = 1, code = ?, result = ? WHERE id = ? AND done = 0");
    selectResult = c.prepareStatement("SELECT result FROM step WHERE id = ?");
    selectRun = c.prepareStatement(
        "SELECT run_no, module_name, module_sha256, input, started_at, outcome, reason, output FROM run WHERE run_id = ?");
    insertRun = c.prepareStatement(
        "INSERT INTO run (run_no, run_id, module_name, module_sha256, input, started_at) VALUES (?, ?, ?, ?, ?, ?)");
    finishRun = c.prepareStatement(
        "UPDATE run SET finished_at = ?, outcome = ?, reason = ?, output = ? WHERE run_id = ?");
    deleteRun = c.prepareStatement("DELETE FROM run WHERE run_no = ?");
    deleteSteps = c.prepareStatement("DELETE FROM step WHERE id BETWEEN ? AND ?");
    selectSteps = c.prepareStatement(
        "SELECT id, kind, digest, summary, done, code FROM step WHERE id BETWEEN ? AND ? ORDER BY id");
  }

  /** Opens (creating if needed) the journal at {@code file}; {@code fsync}: every commit is fsynced. */
  static JournalSql open(Path file, boolean fsync) throws SQLException, IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    SQLiteConfig config = new SQLiteConfig();
    // Otherwise the driver runs "SELECT last_insert_rowid()" after every INSERT (measured: a good
    // part of a journaled call's cost).
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
      return new JournalSql(c);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  private static void migrate(Statement s) throws SQLException {
    int version;
    try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      version = rs.getInt(1);
    }
    if (version > SCHEMA_VERSION) {
      throw new SQLException("journal schema version " + version + " is newer than this engine's " + SCHEMA_VERSION);
    }
    if (version == 0) {
      s.execute("CREATE TABLE run ("
          + " run_no INTEGER PRIMARY KEY, run_id TEXT NOT NULL UNIQUE,"
          + " module_name TEXT NOT NULL, module_sha256 TEXT NOT NULL, input BLOB NOT NULL,"
          + " started_at INTEGER NOT NULL, finished_at INTEGER, outcome TEXT, reason TEXT, output BLOB)");
      s.execute("CREATE TABLE step ("
          + " id INTEGER PRIMARY KEY, kind TEXT NOT NULL, digest BLOB NOT NULL, summary TEXT NOT NULL,"
          + " done INTEGER NOT NULL, code INTEGER NOT NULL, result BLOB)");
      s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  /** {@code PRAGMA synchronous}: 1 NORMAL, 2 FULL. */
  int synchronous() throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
      return rs.getInt(1);
    }
  }

  /** Every run id with its number. */
  Map<String, Long> runIds() throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT run_id, run_no FROM run")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  RunRow run(String runId) throws SQLException {
    selectRun.setString(1, runId);
    try (ResultSet rs = selectRun.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      return new RunRow(rs.getLong(1), ModuleRef.exact(rs.getString(2), rs.getString(3)), rs.getBytes(4),
          rs.getLong(5), outcome(rs.getString(6), rs.getString(7), rs.getBytes(8)));
    }
  }

  void insertRun(long runNo, String runId, ModuleRef module, byte[] input, long at) throws SQLException {
    insertRun.setLong(1, runNo);
    insertRun.setString(2, runId);
    insertRun.setString(3, module.name());
    insertRun.setString(4, module.sha256());
    insertRun.setBytes(5, input);
    insertRun.setLong(6, at);
    insertRun.executeUpdate();
  }

  void insertStep(long runNo, Step step) throws SQLException {
    insertStep.setLong(1, stepId(runNo, step.seq()));
    insertStep.setString(2, step.request().kind().importName());
    insertStep.setBytes(3, step.request().digest());
    insertStep.setString(4, step.request().summary());
    insertStep.setInt(5, step.done() ? 1 : 0);
    insertStep.setInt(6, step.code());
    insertStep.setBytes(7, step.result());
    insertStep.executeUpdate();
  }

  /** Returns whether a started step was there to complete. */
  boolean completeStep(long runNo, int seq, int code, byte[] result) throws SQLException {
    completeStep.setInt(1, code);
    completeStep.setBytes(2, result);
    completeStep.setLong(3, stepId(runNo, seq));
    return completeStep.executeUpdate() == 1;
  }

  byte[] result(long runNo, int seq) throws SQLException {
    selectResult.setLong(1, stepId(runNo, seq));
    try (ResultSet rs = selectResult.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("no step " + seq);
      }
      byte[] result = rs.getBytes(1);
      return result == null ? new byte[0] : result;
    }
  }

  /** The run's steps in order, without results; a gap is an error. */
  List<Step> steps(String runId, long runNo) throws SQLException {
    List<Step> steps = new ArrayList<>();
    selectSteps.setLong(1, stepId(runNo, 0));
    selectSteps.setLong(2, stepId(runNo, -1));
    try (ResultSet rs = selectSteps.executeQuery()) {
      while (rs.next()) {
        AbiImport kind = AbiImport.byName(rs.getString(2))
            .orElseThrow(() -> new SQLException("unknown step kind in journal"));
        Step.Request request = new Step.Request(kind, rs.getBytes(3), rs.getString(4));
        steps.add(new Step((int) rs.getLong(1) /* the low 32 bits: seq */, request, rs.getInt(5) == 1,
            rs.getInt(6), null));
      }
    }
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).seq() != i) {
        throw new SQLException("journal of run " + runId + " has a gap before step " + steps.get(i).seq());
      }
    }
    return steps;
  }

  void finishRun(String runId, RunOutcome outcome, long at) throws SQLException {
    finishRun.setLong(1, at);
    if (outcome instanceof RunOutcome.Succeeded s) {
      finishRun.setString(2, "SUCCEEDED");
      finishRun.setString(3, null);
      finishRun.setBytes(4, s.output());
    } else if (outcome instanceof RunOutcome.Failed f) {
      finishRun.setString(2, f.kind().name());
      finishRun.setString(3, f.reason());
      finishRun.setBytes(4, f.output().length == 0 ? null : f.output());
    }
    finishRun.setString(5, runId);
    finishRun.executeUpdate();
  }

  /** Deletes a run and its steps in one transaction. */
  void deleteRun(long runNo) throws SQLException {
    c.setAutoCommit(false);
    try {
      deleteRun.setLong(1, runNo);
      deleteRun.executeUpdate();
      deleteSteps.setLong(1, stepId(runNo, 0));
      deleteSteps.setLong(2, stepId(runNo, -1));
      deleteSteps.executeUpdate();
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** Runs without a final outcome, oldest first. */
  List<UnfinishedRun> unfinished() throws SQLException {
    List<UnfinishedRun> runs = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT run_id, module_name, module_sha256, input, started_at"
        + " FROM run WHERE finished_at IS NULL ORDER BY started_at, run_id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        runs.add(new UnfinishedRun(rs.getString(1), ModuleRef.exact(rs.getString(2), rs.getString(3)),
            rs.getBytes(4), rs.getLong(5)));
      }
    }
    return runs;
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

  @Override
  public void close() throws SQLException {
    for (PreparedStatement ps : List.of(insertStep, completeStep, selectResult, selectRun, insertRun, finishRun,
        deleteRun, deleteSteps, selectSteps)) {
      ps.close();
    }
    c.close();
  }
}
