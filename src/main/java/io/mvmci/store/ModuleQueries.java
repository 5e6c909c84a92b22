package io.mvmci.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Reads of the deployed modules ({@code modules}) and of their use by unfinished jobs, on the read-only pool. */
public final class ModuleQueries {
  private final ReadPool pool;

  ModuleQueries(ReadPool pool) {
    this.pool = pool;
  }

  /** A deployed module: name, hash and bytes, in deployment order. */
  public record StoredModule(String name, String sha256, byte[] wasm, long deployedAt) {}

  /** Every module deployed over the API, oldest deployment first (so the last of a name is its latest). */
  public void forEachModule(Consumer<StoredModule> sink) throws SQLException {
    pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT name, sha256, wasm, deployed_at FROM modules ORDER BY id");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sink.accept(new StoredModule(rs.getString(1), rs.getString(2), rs.getBytes(3), rs.getLong(4)));
        }
      }
      return null;
    });
  }

  /** A stored module version without its bytes. */
  public record ModuleVersion(String name, String sha256, long deployedAt, long sizeBytes) {}

  /** Every stored module version, oldest deploy first (the last of a name is its latest). */
  public List<ModuleVersion> moduleVersions() throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT name, sha256, deployed_at, length(wasm) FROM modules ORDER BY id");
           ResultSet rs = ps.executeQuery()) {
        List<ModuleVersion> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new ModuleVersion(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
        }
        return out;
      }
    });
  }

  /** How many unfinished jobs use each module version: running it now, and pinned to it. */
  public record ModuleUsage(Map<String, Long> running, Map<String, Long> pinned) {}

  /** {@link ModuleUsage}, from the running jobs (few) and the pinned ones, each by its index. */
  public ModuleUsage moduleUsage() throws SQLException {
    return pool.read(c -> new ModuleUsage(
        countBy(c, "SELECT module_sha256, count(*) FROM jobs INDEXED BY jobs_leased"
            + " WHERE status = 'InProgress' GROUP BY module_sha256"),
        countBy(c, "SELECT pinned_sha256, count(*) FROM jobs INDEXED BY jobs_pinned WHERE pinned_sha256"
            + " IS NOT NULL AND status IN ('Pending', 'InProgress', 'Retrying') GROUP BY pinned_sha256")));
  }

  private static Map<String, Long> countBy(Connection c, String sql) throws SQLException {
    Map<String, Long> out = new java.util.HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (rs.getString(1) != null) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }
}
