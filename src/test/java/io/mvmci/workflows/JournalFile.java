package io.mvmci.workflows;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads an engine's journal file the way an operator with sqlite3 would: the steps a run
 * journaled, with their kind, the request summary, and the result. It knows the journal's
 * schema version 1 ({@code io.mvmci.workflow.Journal}); it fails loudly if that changes. Only
 * open it when no engine holds the file (the engine opens it in exclusive locking mode).
 */
final class JournalFile {

  /**
   * One journaled step. {@code kind} is the ABI import name ({@code sleep_ms}); {@code summary}
   * the request as the journal describes it ({@code 100 ms}, {@code 50% "step 2/2 build"}).
   */
  record Step(int seq, String kind, String summary, boolean done, int code, byte[] result) {
    /** The result of a {@code now_ms} or {@code sleep_ms} step (the time read, the wake-up time). */
    long resultLong() {
      return ByteBuffer.wrap(result).getLong();
    }
  }

  /** A run's row: its final outcome name ({@code SUCCEEDED}, {@code GUEST_FAILED}, null if unfinished). */
  record Run(String outcome, String reason, byte[] output) {}

  private final Path file;

  JournalFile(Path file) {
    this.file = file;
  }

  List<Step> steps(String runId) {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("SELECT s.id & 4294967295, s.kind, s.summary, s.done, s.code,"
            + " s.result FROM step s JOIN run r ON s.id >> 32 = r.run_no WHERE r.run_id = ? ORDER BY s.id")) {
      ps.setString(1, runId);
      List<Step> steps = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byte[] result = rs.getBytes(6);
          steps.add(new Step(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getInt(4) == 1, rs.getInt(5),
              result == null ? new byte[0] : result));
        }
      }
      return steps;
    } catch (SQLException e) {
      throw new AssertionError("cannot read the steps of run " + runId + " from " + file, e);
    }
  }

  /** The steps of one kind, in order. */
  List<Step> steps(String runId, String kind) {
    return steps(runId).stream().filter(s -> s.kind().equals(kind)).toList();
  }

  Optional<Run> run(String runId) {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("SELECT outcome, reason, output FROM run WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new Run(rs.getString(1), rs.getString(2), rs.getBytes(3))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new AssertionError("cannot read run " + runId + " from " + file, e);
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
  }
}
