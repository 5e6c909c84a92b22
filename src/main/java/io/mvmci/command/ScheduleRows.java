package io.mvmci.command;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Pattern;

/** The replicated {@code schedules} and {@code schedule_fires} tables, as the schedule commands write them. */
final class ScheduleRows {
  /** What a schedule id may be: it is a path segment, and part of its jobs' idempotency keys. */
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
  /** Fires kept per schedule; older ones are deleted as new ones are recorded. */
  static final int HISTORY = 100;

  private static final String LOAD = """
      SELECT workflow, input, url, priority, max_attempts, timeout_ms, module_sha256, overlap, paused,
             next_fire_at, last_job_seq, revision
      FROM schedules WHERE id = ?""";
  private static final String RECORD = """
      INSERT INTO schedule_fires (schedule_id, fire_time, at, kind, outcome, job_seq, missed, detail)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";
  private static final String PRUNE = """
      DELETE FROM schedule_fires WHERE schedule_id = ?1 AND id < (
        SELECT id FROM schedule_fires WHERE schedule_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)""";

  private ScheduleRows() {}

  /** What apply needs of a schedule. */
  record Row(String workflow, String input, String url, int priority, int maxAttempts, long timeoutMs,
      String moduleSha256, ScheduleSpec.Overlap overlap, boolean paused, Long nextFireAt, Long lastJobSeq,
      long revision) {}

  /** The schedule, or null if there is none of that id. */
  static Row load(Tx tx, String id) throws SQLException {
    PreparedStatement ps = tx.sql(LOAD);
    ps.setString(1, id);
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      long next = rs.getLong(10);
      Long nextFireAt = rs.wasNull() ? null : next;
      long last = rs.getLong(11);
      Long lastJobSeq = rs.wasNull() ? null : last;
      return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getLong(6),
          rs.getString(7), ScheduleSpec.Overlap.parse(rs.getString(8)), rs.getInt(9) != 0, nextFireAt, lastJobSeq,
          rs.getLong(12));
    }
  }

  /** Appends a fire to the schedule's history, keeping the last {@value #HISTORY}. */
  static void record(Tx tx, String id, long fireTime, long at, String kind, String outcome, long jobSeq, int missed,
      String detail) throws SQLException {
    PreparedStatement ps = tx.sql(RECORD);
    ps.setString(1, id);
    ps.setLong(2, fireTime);
    ps.setLong(3, at);
    ps.setString(4, kind);
    ps.setString(5, outcome);
    if (jobSeq >= 0) {
      ps.setLong(6, jobSeq);
    } else {
      ps.setNull(6, java.sql.Types.INTEGER);
    }
    ps.setInt(7, missed);
    Tx.setNullable(ps, 8, detail);
    ps.executeUpdate();
    PreparedStatement prune = tx.sql(PRUNE);
    prune.setString(1, id);
    prune.setInt(2, HISTORY - 1);
    prune.executeUpdate();
  }

  static void setNullable(PreparedStatement ps, int i, long v) throws SQLException {
    if (v < 0) {
      ps.setNull(i, java.sql.Types.INTEGER);
    } else {
      ps.setLong(i, v);
    }
  }
}
