package io.mvmci.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code meta} table: the bookkeeping that changes in the same transaction as the data it
 * describes ({@code applied_term}, {@code applied_index}, {@code next_job_seq}).
 */
public final class Meta {
  public static final String APPLIED_TERM = "applied_term";
  public static final String APPLIED_INDEX = "applied_index";
  public static final String NEXT_JOB_SEQ = "next_job_seq";

  private Meta() {}

  /** Every key of the database {@code c} is connected to, with its value. */
  public static Map<String, Long> read(Connection c) throws SQLException {
    Map<String, Long> meta = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT key, value FROM meta")) {
      while (rs.next()) {
        meta.put(rs.getString(1), rs.getLong(2));
      }
    }
    return meta;
  }
}
