package io.mvmci.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A digest of this node's copy of the replicated database as of one log index, for the consistency
 * checks (ops/DESIGN.md, "Consistency checks"): two members whose copies hold the same rows get the
 * same digest, whatever their files' page layout, WAL or snapshot history.
 *
 * <p>{@link #pin} starts a read transaction on a connection of its own, which fixes the state read
 * (SQLite's WAL keeps it while the writer goes on); it must be called on the apply thread between
 * two entries, and it checks that the copy holds exactly the expected index. {@link #compute} then
 * reads every row, on any thread, in primary-key order: each table's rows (values with their type)
 * go into the table's SHA-256, and the digest is the SHA-256 of the schema version and each table's
 * name, row count and digest, by name. SQLite's own tables ({@code sqlite_*}: statistics a node may
 * gather on its own) are left out. Close it to end the read.
 */
public final class ConsistencyDigest implements AutoCloseable {
  /**
   * @param index the log index the digest is of
   * @param schema the schema version (migrations applied)
   * @param sha256 the whole copy's digest, hex
   * @param rows rows read, over all tables
   * @param tables each table's digest as {@code name=<first 16 hex>/<rows>}, space-separated, by name
   */
  public record Digest(long index, int schema, String sha256, long rows, String tables) {}

  private final Connection c;
  private final long index;

  private ConsistencyDigest(Connection c, long index) {
    this.c = c;
    this.index = index;
  }

  /**
   * Fixes the copy at {@code file} as it stands now, which must hold exactly the entries up to
   * {@code index}; throws {@link IllegalStateException} if it holds another index.
   */
  static ConsistencyDigest pin(Path file, long index) throws SQLException {
    Connection c = Sqlite.reader(file);
    try {
      c.setAutoCommit(false);
      long held = Meta.read(c).getOrDefault(Meta.APPLIED_INDEX, -1L);
      if (held != index) {
        throw new IllegalStateException("the database holds index " + held + ", not " + index);
      }
      return new ConsistencyDigest(c, index);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Reads every row of the pinned copy; seconds for a large database, so not on the apply thread. */
  public Digest compute() throws SQLException {
    int schema;
    List<String> tables = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
        schema = rs.next() ? rs.getInt(1) : 0;
      }
      try (ResultSet rs = s.executeQuery(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
    }
    MessageDigest whole = sha256();
    whole.update(ByteBuffer.allocate(4).putInt(schema).array());
    StringBuilder summary = new StringBuilder();
    long rows = 0;
    for (String table : tables) {
      MessageDigest d = sha256();
      long n = digestRows(table, d);
      byte[] tableDigest = d.digest();
      whole.update(table.getBytes(StandardCharsets.UTF_8));
      whole.update(ByteBuffer.allocate(8).putLong(n).array());
      whole.update(tableDigest);
      summary.append(summary.isEmpty() ? "" : " ").append(table).append('=')
          .append(HexFormat.of().formatHex(tableDigest, 0, 8)).append('/').append(n);
      rows += n;
    }
    return new Digest(index, schema, HexFormat.of().formatHex(whole.digest()), rows, summary.toString());
  }

  /** Feeds {@code table}'s rows, in primary-key order, into {@code d}; returns how many. */
  private long digestRows(String table, MessageDigest d) throws SQLException {
    String quoted = "\"" + table.replace("\"", "\"\"") + "\"";
    List<String> key = new ArrayList<>();
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT name, pk FROM pragma_table_info('" + table.replace("'", "''")
             + "') WHERE pk > 0 ORDER BY pk")) {
      while (rs.next()) {
        key.add("\"" + rs.getString(1).replace("\"", "\"\"") + "\"");
      }
    }
    // every table here has a primary key; without one, all columns order the rows (rowids may differ)
    String order = key.isEmpty() ? allColumns(table) : String.join(", ", key);
    long n = 0;
    ByteBuffer num = ByteBuffer.allocate(9);
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + quoted + " ORDER BY " + order)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          Object v = rs.getObject(i);
          num.clear();
          if (v == null) {
            d.update((byte) 0);
          } else if (v instanceof Integer || v instanceof Long) {
            d.update(num.put((byte) 1).putLong(((Number) v).longValue()).array(), 0, 9);
          } else if (v instanceof Double || v instanceof Float) {
            d.update(num.put((byte) 2).putLong(Double.doubleToLongBits(((Number) v).doubleValue())).array(), 0, 9);
          } else if (v instanceof byte[] b) {
            d.update(num.put((byte) 4).putLong(b.length).array(), 0, 9);
            d.update(b);
          } else {
            byte[] b = v.toString().getBytes(StandardCharsets.UTF_8);
            d.update(num.put((byte) 3).putLong(b.length).array(), 0, 9);
            d.update(b);
          }
        }
        n++;
      }
    }
    return n;
  }

  private String allColumns(String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT name FROM pragma_table_info('" + table.replace("'", "''") + "')")) {
      while (rs.next()) {
        columns.add("\"" + rs.getString(1).replace("\"", "\"\"") + "\"");
      }
    }
    return String.join(", ", columns);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ends the read: the WAL may be checkpointed past it again. */
  @Override
  public void close() throws SQLException {
    try {
      c.rollback();
    } finally {
      c.close();
    }
  }
}
