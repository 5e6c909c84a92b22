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
import java.util.List;
import java.util.Optional;

/**
 * The local journal of workflow runs: one SQLite file, one connection, used by every run thread
 * in turn (each method holds the connection for one statement or one transaction).
 *
 * <p>Durability: WAL with {@code synchronous=NORMAL}. A commit reaches the operating system
 * before the call returns, so it survives the death of the process (kill -9) but not
 * necessarily a power cut, which can lose the last commits: their steps then run again on
 * resume. The file is opened in exclusive locking mode, so a second process cannot open it.
 */
final class Journal implements AutoCloseable {
  private static final int SCHEMA_VERSION = 1;

  /** A run as recorded: identity, pinned module and input, steps, and outcome if final. */
  record RunRecord(String runId, ModuleRef module, byte[] input, long startedAtMillis,
      RunOutcome outcome, List<Step> steps) {}

  private final Path file;
  private final Connection connection;
  private final PreparedStatement insertStep;
  private final PreparedStatement completeStep;

  private Journal(Path file, Connection connection) throws SQLException {
    this.file = file;
    this.connection = connection;
    this.insertStep = connection.prepareStatement(
        "INSERT INTO step (run_id, seq, kind, digest, summary, done, code, result)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    this.completeStep = connection.prepareStatement(
        "UPDATE step SET done = 1, code = ?, result = ? WHERE run_id = ? AND seq = ? AND done = 0");
  }

  static Journal open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = 2000");
        s.execute("PRAGMA locking_mode = EXCLUSIVE");
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = NORMAL");
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
          + " run_id TEXT PRIMARY KEY, module_name TEXT NOT NULL, module_sha256 TEXT NOT NULL,"
          + " input BLOB NOT NULL, started_at INTEGER NOT NULL, finished_at INTEGER,"
          + " outcome TEXT, reason TEXT, output BLOB)");
      s.execute("CREATE TABLE step ("
          + " run_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, digest BLOB NOT NULL,"
          + " summary TEXT NOT NULL, done INTEGER NOT NULL, code INTEGER NOT NULL, result BLOB,"
          + " PRIMARY KEY (run_id, seq))");
      s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  /** The run's record, if its journal exists. */
  synchronized Optional<RunRecord> read(String runId) {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT module_name, module_sha256, input, started_at, outcome, reason, output"
            + " FROM run WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new RunRecord(runId,
            ModuleRef.exact(rs.getString(1), rs.getString(2)), rs.getBytes(3), rs.getLong(4),
            outcome(rs.getString(5), rs.getString(6), rs.getBytes(7)), steps(runId)));
      }
    } catch (SQLException e) {
      throw failure("read run " + runId, e);
    }
  }

  /** Creates the journal of a new run. */
  synchronized void begin(String runId, ModuleRef module, byte[] input, long nowMillis) {
    try (PreparedStatement ps = connection.prepareStatement(
        "INSERT INTO run (run_id, module_name, module_sha256, input, started_at) VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, runId);
      ps.setString(2, module.name());
      ps.setString(3, module.sha256());
      ps.setBytes(4, input);
      ps.setLong(5, nowMillis);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("begin run " + runId, e);
    }
  }

  synchronized void append(String runId, Step step) {
    try {
      insertStep.setString(1, runId);
      insertStep.setInt(2, step.seq());
      insertStep.setString(3, step.request().kind().importName());
      insertStep.setBytes(4, step.request().digest());
      insertStep.setString(5, step.request().summary());
      insertStep.setInt(6, step.done() ? 1 : 0);
      insertStep.setInt(7, step.code());
      insertStep.setBytes(8, step.result());
      insertStep.executeUpdate();
    } catch (SQLException e) {
      throw failure("append step " + step.seq() + " of run " + runId, e);
    }
  }

  /** Records the result of a step whose start was appended with {@code done = false}. */
  synchronized void complete(String runId, int seq, int code, byte[] result) {
    try {
      completeStep.setInt(1, code);
      completeStep.setBytes(2, result);
      completeStep.setString(3, runId);
      completeStep.setInt(4, seq);
      if (completeStep.executeUpdate() != 1) {
        throw new SQLException("no started step " + seq + " to complete");
      }
    } catch (SQLException e) {
      throw failure("complete step " + seq + " of run " + runId, e);
    }
  }

  /** Records a final outcome; the run is no longer unfinished. */
  synchronized void finish(String runId, RunOutcome outcome, long nowMillis) {
    try (PreparedStatement ps = connection.prepareStatement(
        "UPDATE run SET finished_at = ?, outcome = ?, reason = ?, output = ? WHERE run_id = ?")) {
      ps.setLong(1, nowMillis);
      if (outcome instanceof RunOutcome.Succeeded s) {
        ps.setString(2, "SUCCEEDED");
        ps.setString(3, null);
        ps.setBytes(4, s.output());
      } else if (outcome instanceof RunOutcome.Failed f) {
        ps.setString(2, f.kind().name());
        ps.setString(3, f.reason());
        ps.setBytes(4, null);
      }
      ps.setString(5, runId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("finish run " + runId, e);
    }
  }

  synchronized List<UnfinishedRun> unfinished() {
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

  /** Deletes a run's journal; returns whether there was one. */
  synchronized boolean delete(String runId) {
    try {
      connection.setAutoCommit(false);
      try (PreparedStatement steps = connection.prepareStatement("DELETE FROM step WHERE run_id = ?");
          PreparedStatement run = connection.prepareStatement("DELETE FROM run WHERE run_id = ?")) {
        steps.setString(1, runId);
        steps.executeUpdate();
        run.setString(1, runId);
        boolean existed = run.executeUpdate() == 1;
        connection.commit();
        return existed;
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("delete run " + runId, e);
    }
  }

  private List<Step> steps(String runId) throws SQLException {
    List<Step> steps = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT seq, kind, digest, summary, done, code, result FROM step WHERE run_id = ? ORDER BY seq")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          AbiImport kind = AbiImport.byName(rs.getString(2))
              .orElseThrow(() -> new SQLException("unknown step kind in journal"));
          byte[] result = rs.getBytes(7);
          Step.Request request = new Step.Request(kind, rs.getBytes(3), rs.getString(4));
          steps.add(new Step(rs.getInt(1), request, rs.getInt(5) == 1, rs.getInt(6),
              result == null ? new byte[0] : result));
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

  private static RunOutcome outcome(String outcome, String reason, byte[] output) {
    if (outcome == null) {
      return null;
    }
    if (outcome.equals("SUCCEEDED")) {
      return RunOutcome.succeeded(output == null ? new byte[0] : output);
    }
    return RunOutcome.failed(FailureKind.valueOf(outcome), reason);
  }

  private JournalException failure(String what, SQLException e) {
    return new JournalException("journal " + file + ": cannot " + what + ": " + e.getMessage(), e);
  }

  @Override
  public synchronized void close() {
    try {
      insertStep.close();
      completeStep.close();
      connection.close();
    } catch (SQLException e) {
      throw failure("close", e);
    }
  }
}
