package io.mvmci.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Numbered schema migrations, {@code db/migration/V<n>__<name>.sql} on the classpath, applied in
 * order, each in its own transaction, once. SQLite's {@code user_version} holds the last one applied.
 * Migrations only ever get appended: a released one never changes.
 */
final class Migrations {
  static final List<String> ALL = List.of("V1__queue.sql", "V2__retention.sql", "V3__module_versions.sql",
      "V4__run_history.sql", "V5__waiting_runs.sql", "V6__events.sql", "V7__schedules.sql",
      "V8__dispatch.sql", "V9__artifacts.sql", "V10__label_filter.sql", "V11__consistency.sql");

  private Migrations() {}

  static void migrate(Connection writer) throws SQLException {
    int current;
    try (Statement s = writer.createStatement(); var rs = s.executeQuery("PRAGMA user_version")) {
      current = rs.getInt(1);
    }
    if (current > ALL.size()) {
      throw new SQLException("database schema version " + current + " is newer than this node knows ("
          + ALL.size() + "); refusing to open it with an older mvm-ci");
    }
    for (int v = current + 1; v <= ALL.size(); v++) {
      try (Statement s = writer.createStatement()) {
        for (String stmt : statements(load(ALL.get(v - 1)))) {
          s.execute(stmt);
        }
        s.execute("PRAGMA user_version = " + v);
      }
      writer.commit();
    }
  }

  private static String load(String name) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing migration " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Splits a migration into statements: strips {@code --} comments, splits on {@code ;}. */
  static List<String> statements(String sql) {
    StringBuilder clean = new StringBuilder();
    for (String line : sql.split("\n")) {
      int dash = line.indexOf("--");
      clean.append(dash >= 0 ? line.substring(0, dash) : line).append('\n');
    }
    return java.util.Arrays.stream(clean.toString().split(";"))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }
}
