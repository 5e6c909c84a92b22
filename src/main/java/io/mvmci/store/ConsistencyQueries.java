package io.mvmci.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads of the consistency checks and the members' reports, on the read-only pool. */
public final class ConsistencyQueries {
  private final ReadPool pool;

  ConsistencyQueries(ReadPool pool) {
    this.pool = pool;
  }

  /** One member's report for a check. */
  public record Report(int nodeId, int schema, String digest, long rows, String tables, long reportedAt) {}

  /** A check and the reports recorded for it, by member id. */
  public record Check(long index, long requestedAt, String requestedBy, List<Report> reports) {}

  /**
   * Fixes this node's copy as it stands for a consistency digest ({@link ConsistencyDigest#pin}): on
   * the apply thread, between two entries, once entry {@code index} applied.
   */
  public ConsistencyDigest pin(long index) throws SQLException {
    return ConsistencyDigest.pin(pool.file(), index);
  }

  /** The newest {@code limit} checks, newest first, each with its reports. */
  public List<Check> latest(int limit) throws SQLException {
    return pool.read(c -> withReports(c, "ORDER BY check_index DESC LIMIT ?", limit));
  }

  /** The check at {@code index}, with its reports, if it is kept. */
  public Optional<Check> get(long index) throws SQLException {
    return pool.read(c -> withReports(c, "WHERE check_index = ?", index)).stream().findFirst();
  }

  /** The checks {@code clause} selects, in its order, each with its reports by member id. */
  private static List<Check> withReports(Connection c, String clause, long arg) throws SQLException {
    Map<Long, Check> checks = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT check_index, requested_at, requested_by FROM consistency_checks " + clause)) {
      ps.setLong(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          checks.put(rs.getLong(1), new Check(rs.getLong(1), rs.getLong(2), rs.getString(3), new ArrayList<>()));
        }
      }
    }
    if (checks.isEmpty()) {
      return List.of();
    }
    long oldest = checks.keySet().stream().mapToLong(Long::longValue).min().orElseThrow();
    try (PreparedStatement ps = c.prepareStatement("SELECT check_index, node_id, schema, digest, row_count,"
        + " tables, reported_at FROM consistency_reports WHERE check_index >= ? ORDER BY check_index, node_id")) {
      ps.setLong(1, oldest);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Check check = checks.get(rs.getLong(1));
          if (check != null) {
            check.reports().add(new Report(rs.getInt(2), rs.getInt(3), rs.getString(4), rs.getLong(5),
                rs.getString(6), rs.getLong(7)));
          }
        }
      }
    }
    return List.copyOf(checks.values());
  }
}
