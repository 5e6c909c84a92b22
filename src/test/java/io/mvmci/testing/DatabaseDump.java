package io.mvmci.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** A canonical text dump of a SQLite file: schema, then every row of every table in key order. */
public final class DatabaseDump {
  private DatabaseDump() {}

  public static byte[] of(Path file) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(
          "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name")) {
        while (rs.next()) {
          out.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(": ")
              .append(rs.getString(3)).append('\n');
          if (rs.getString(1).equals("table")) {
            tables.add(rs.getString(2));
          }
        }
      }
      for (String t : tables) {
        out.append("-- ").append(t).append('\n');
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + t + " ORDER BY 1")) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            for (int i = 1; i <= md.getColumnCount(); i++) {
              Object v = rs.getObject(i);
              out.append(i > 1 ? "|" : "").append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : v);
            }
            out.append('\n');
          }
        }
      }
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
