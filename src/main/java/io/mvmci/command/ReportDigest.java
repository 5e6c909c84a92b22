package io.mvmci.command;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One member's digest of its copy of the database as of a {@link CheckConsistency} entry. Apply
 * records it beside the other members' (a repeat replaces the member's earlier report); a report for
 * a check no longer kept is refused.
 *
 * @param at when the member reported
 * @param checkIndex the check's log index
 * @param nodeId the reporting member
 * @param schema the member's schema version (only copies of one schema version compare)
 * @param digest sha-256 over the table digests, hex
 * @param rows rows digested, over all tables
 * @param tables each table's digest: {@code name=<16 hex>/<rows>}, space-separated, by name
 */
public record ReportDigest(long at, long checkIndex, int nodeId, int schema, String digest, long rows,
    String tables) implements Command {
  private static final String CHECK = "SELECT 1 FROM consistency_checks WHERE check_index = ?";
  private static final String PUT = """
      INSERT OR REPLACE INTO consistency_reports
        (check_index, node_id, schema, digest, row_count, tables, reported_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)""";

  @Override
  public CommandType type() {
    return CommandType.REPORT_DIGEST;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).i64(checkIndex).i32(nodeId).i32(schema).str(digest).i64(rows).str(tables);
  }

  static ReportDigest read(WireReader r) {
    return new ReportDigest(r.i64(), r.i64(), r.i32(), r.i32(), r.str(), r.i64(), r.str());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    PreparedStatement check = tx.sql(CHECK);
    check.setLong(1, checkIndex);
    try (ResultSet rs = check.executeQuery()) {
      if (!rs.next()) {
        return new Result.Rejected(Result.Reason.INVALID,
            "no consistency check at index " + checkIndex + " (never started, or no longer kept)");
      }
    }
    PreparedStatement ps = tx.sql(PUT);
    int i = 1;
    ps.setLong(i++, checkIndex);
    ps.setInt(i++, nodeId);
    ps.setInt(i++, schema);
    ps.setString(i++, digest);
    ps.setLong(i++, rows);
    ps.setString(i++, tables);
    ps.setLong(i, at);
    ps.executeUpdate();
    return new Result.Ack();
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Ack) {
      effects.consistencyReported(checkIndex);
    }
  }
}
