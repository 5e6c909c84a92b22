package io.mvmci.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads of the cron schedules and their fires, on the read-only pool. */
public final class ScheduleQueries {
  private static final String COLUMNS = """
      id, cron, time_zone, workflow, input, url, priority, max_attempts, timeout_ms, module_sha256, overlap,
      catch_up, paused, next_fire_at, last_fire_at, last_job_seq, revision, submitted, skipped, missed,
      created_at, updated_at""";

  private final ReadPool pool;

  ScheduleQueries(ReadPool pool) {
    this.pool = pool;
  }

  /** A schedule as the table holds it; {@code nextFireAt} is null while paused or when the cron has no later time. */
  public record Schedule(String id, String cron, String timeZone, String workflow, String input, String url,
      int priority, int maxAttempts, long timeoutMs, String moduleSha256, String overlap, String catchUp,
      boolean paused, Long nextFireAt, Long lastFireAt, Long lastJobSeq, long revision, long submitted,
      long skipped, long missed, long createdAt, long updatedAt) {}

  /** A recorded fire: what it did ({@code outcome}) and why ({@code detail}). */
  public record Fire(long id, String scheduleId, long fireTime, long at, String kind, String outcome, Long jobSeq,
      int missed, String detail) {}

  /** What the leader needs to fire a due schedule. */
  public record Due(String id, String cron, String timeZone, String catchUp, long nextFireAt) {}

  /** Up to {@code limit} schedules whose next fire time is at or before {@code now}, earliest first. */
  public List<Due> due(long now, int limit) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("""
          SELECT id, cron, time_zone, catch_up, next_fire_at FROM schedules INDEXED BY schedules_due
          WHERE next_fire_at <= ? ORDER BY next_fire_at, id LIMIT ?""")) {
        ps.setLong(1, now);
        ps.setInt(2, limit);
        List<Due> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
          }
        }
        return out;
      }
    });
  }

  /** The earliest next fire time of any schedule, or null if none is due ever (none, or all paused). */
  public Long nextFireAt() throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT min(next_fire_at) FROM schedules INDEXED BY schedules_due WHERE next_fire_at IS NOT NULL");
           ResultSet rs = ps.executeQuery()) {
        long v = rs.next() ? rs.getLong(1) : 0;
        return rs.wasNull() ? null : v;
      }
    });
  }

  /** Every schedule, by id (they are few: a page of them is not worth a cursor). */
  public List<Schedule> all() throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM schedules ORDER BY id");
           ResultSet rs = ps.executeQuery()) {
        List<Schedule> out = new ArrayList<>();
        while (rs.next()) {
          out.add(row(rs));
        }
        return out;
      }
    });
  }

  public Optional<Schedule> get(String id) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM schedules WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
      }
    });
  }

  /** The schedule's last {@code limit} fires, newest first. */
  public List<Fire> fires(String id, int limit) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("""
          SELECT id, schedule_id, fire_time, at, kind, outcome, job_seq, missed, detail FROM schedule_fires
          INDEXED BY schedule_fires_by_schedule WHERE schedule_id = ? ORDER BY id DESC LIMIT ?""")) {
        ps.setString(1, id);
        ps.setInt(2, limit);
        List<Fire> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long job = rs.getLong(7);
            Long jobSeq = rs.wasNull() ? null : job;
            out.add(new Fire(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                rs.getString(6), jobSeq, rs.getInt(8), rs.getString(9)));
          }
        }
        return out;
      }
    });
  }

  private static Schedule row(ResultSet rs) throws SQLException {
    return new Schedule(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getLong(9), rs.getString(10), rs.getString(11),
        rs.getString(12), rs.getInt(13) != 0, nullable(rs, 14), nullable(rs, 15), nullable(rs, 16), rs.getLong(17),
        rs.getLong(18), rs.getLong(19), rs.getLong(20), rs.getLong(21), rs.getLong(22));
  }

  private static Long nullable(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
