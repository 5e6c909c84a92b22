package io.mvmci.command;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.function.IntFunction;

/**
 * One multi-row statement prepared for a few row counts ({@link #SIZES}), so that a run of n like
 * commands in one entry costs about log n statements instead of n: a statement's fixed cost (the
 * driver's binding and stepping, the VDBE program's start) was most of a one-row write's apply time.
 *
 * <p>Threading: the apply thread only, like the connection.
 */
final class RowBatches implements AutoCloseable {
  /** The row counts prepared, largest first; a run is cut greedily into chunks of these. */
  static final int[] SIZES = {64, 16, 4, 1};

  private final PreparedStatement[] bySize = new PreparedStatement[SIZES.length];

  /** @param sql the statement for a given number of rows */
  RowBatches(Connection w, IntFunction<String> sql) throws SQLException {
    try {
      for (int i = 0; i < SIZES.length; i++) {
        bySize[i] = w.prepareStatement(sql.apply(SIZES[i]));
      }
    } catch (SQLException e) {
      close();
      throw e;
    }
  }

  /** The largest prepared row count not above {@code remaining} (at least 1). */
  static int chunk(int remaining) {
    for (int size : SIZES) {
      if (size <= remaining) {
        return size;
      }
    }
    return 1;
  }

  /** The statement for exactly {@code rows} rows, one of {@link #SIZES}. */
  PreparedStatement forRows(int rows) {
    for (int i = 0; i < SIZES.length; i++) {
      if (SIZES[i] == rows) {
        return bySize[i];
      }
    }
    throw new IllegalArgumentException("no statement prepared for " + rows + " rows");
  }

  /** {@code row} {@code rows} times, joined by commas: a multi-row VALUES list or IN list. */
  static String repeat(int rows, String row) {
    return String.join(", ", Collections.nCopies(rows, row));
  }

  @Override
  public void close() throws SQLException {
    SQLException first = null;
    for (PreparedStatement ps : bySize) {
      if (ps == null) {
        continue;
      }
      try {
        ps.close();
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
