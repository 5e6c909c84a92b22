package io.mvmci.command;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Writes a cron schedule: creates it, replaces its definition, pauses or resumes it. The proposing node
 * (the API node that took the request) evaluated the cron expression in its time zone and stamps the
 * first fire time after {@code at} in {@code nextFireAt}; apply stores it and never evaluates the cron.
 *
 * <pre>
 *   i64 at, str id, u8 mode,
 *   [CREATE, REPLACE only: ScheduleSpec spec, u8 paused],
 *   i64 next_fire_at (-1: none), i64 revision (RESUME: the revision next_fire_at was computed from; else -1)
 * </pre>
 *
 * <ul>
 *   <li>{@code CREATE}: a new schedule at revision 1; {@code CONFLICT} if the id exists.</li>
 *   <li>{@code REPLACE}: create or replace the definition (revision + 1). What it has done (last fire,
 *       last job, counters, history) stays, so the overlap policy still sees the last job.</li>
 *   <li>{@code PAUSE}: no fires until resumed ({@code next_fire_at} cleared).</li>
 *   <li>{@code RESUME}: fires again from {@code nextFireAt} (the first time after the resume: a paused
 *       period is not caught up); {@code CONFLICT} if the definition changed since the proposer read it.</li>
 * </ul>
 *
 * @param paused CREATE and REPLACE: whether the schedule starts paused
 * @param nextFireAt the first fire time after {@code at} (ms since epoch), or -1 if the cron has none
 */
public record PutSchedule(long at, String id, Mode mode, ScheduleSpec spec, boolean paused, long nextFireAt,
    long revision) implements Command {

  /** What the put does. Codes are append-only. */
  public enum Mode {
    CREATE(1), REPLACE(2), PAUSE(3), RESUME(4);

    final int code;

    Mode(int code) {
      this.code = code;
    }

    boolean carriesSpec() {
      return this == CREATE || this == REPLACE;
    }

    static Mode of(int code) {
      for (Mode m : values()) {
        if (m.code == code) {
          return m;
        }
      }
      throw new MalformedCommandException("unknown schedule put mode " + code);
    }
  }

  private static final String INSERT = """
      INSERT INTO schedules (id, cron, time_zone, workflow, input, url, priority, max_attempts, timeout_ms,
                             module_sha256, overlap, catch_up, paused, next_fire_at, revision, created_at, updated_at)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1, ?15, ?15)""";
  private static final String REPLACE_SQL = """
      UPDATE schedules SET cron = ?2, time_zone = ?3, workflow = ?4, input = ?5, url = ?6, priority = ?7,
                           max_attempts = ?8, timeout_ms = ?9, module_sha256 = ?10, overlap = ?11, catch_up = ?12,
                           paused = ?13, next_fire_at = ?14, revision = revision + 1, updated_at = ?15
      WHERE id = ?1""";
  private static final String PAUSE = "UPDATE schedules SET paused = 1, next_fire_at = NULL, updated_at = ? WHERE id = ?";
  private static final String RESUME = "UPDATE schedules SET paused = 0, next_fire_at = ?, updated_at = ? WHERE id = ?";

  public PutSchedule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(mode, "mode");
    if (mode.carriesSpec() != (spec != null)) {
      throw new IllegalArgumentException(mode + (spec == null ? " needs" : " takes no") + " definition");
    }
  }

  /** A create or replace of {@code spec}. */
  public static PutSchedule define(long at, String id, boolean create, ScheduleSpec spec, boolean paused,
      long nextFireAt) {
    return new PutSchedule(at, id, create ? Mode.CREATE : Mode.REPLACE, spec, paused, paused ? -1 : nextFireAt, -1);
  }

  public static PutSchedule pause(long at, String id) {
    return new PutSchedule(at, id, Mode.PAUSE, null, true, -1, -1);
  }

  /** Resumes from {@code nextFireAt}, computed from the definition at {@code revision}. */
  public static PutSchedule resume(long at, String id, long nextFireAt, long revision) {
    return new PutSchedule(at, id, Mode.RESUME, null, false, nextFireAt, revision);
  }

  @Override
  public CommandType type() {
    return CommandType.PUT_SCHEDULE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(id).u8(mode.code);
    if (mode.carriesSpec()) {
      spec.writeTo(w);
      w.bool(paused);
    }
    w.i64(nextFireAt).i64(revision);
  }

  static PutSchedule read(WireReader r) {
    long at = r.i64();
    String id = r.str();
    Mode mode = Mode.of(r.u8());
    ScheduleSpec spec = null;
    boolean paused = mode == Mode.PAUSE;
    if (mode.carriesSpec()) {
      spec = ScheduleSpec.read(r);
      paused = r.bool();
    }
    return new PutSchedule(at, id, mode, spec, paused, r.i64(), r.i64());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    if (!ScheduleRows.ID.matcher(id).matches()) {
      return new Result.Rejected(Result.Reason.INVALID, "invalid schedule id \"" + id + "\"");
    }
    ScheduleRows.Row row = ScheduleRows.load(tx, id);
    switch (mode) {
      case CREATE, REPLACE -> {
        if (row != null && mode == Mode.CREATE) {
          return new Result.Rejected(Result.Reason.CONFLICT, "schedule " + id + " exists already");
        }
        PreparedStatement ps = tx.sql(row == null ? INSERT : REPLACE_SQL);
        ps.setString(1, id);
        ps.setString(2, spec.cron());
        ps.setString(3, spec.timeZone());
        ps.setString(4, spec.workflow());
        ps.setString(5, spec.input());
        Tx.setNullable(ps, 6, spec.url());
        ps.setInt(7, spec.priority());
        ps.setInt(8, spec.maxAttempts());
        ps.setLong(9, spec.timeoutMs());
        Tx.setNullable(ps, 10, spec.moduleSha256());
        ps.setString(11, spec.overlap().label);
        ps.setString(12, spec.catchUp().label);
        ps.setInt(13, paused ? 1 : 0);
        ScheduleRows.setNullable(ps, 14, paused ? -1 : nextFireAt);
        ps.setLong(15, at);
        ps.executeUpdate();
        return new Result.Saved(row == null, row == null ? 1 : row.revision() + 1);
      }
      case PAUSE -> {
        if (row == null) {
          return unknown();
        }
        PreparedStatement ps = tx.sql(PAUSE);
        ps.setLong(1, at);
        ps.setString(2, id);
        ps.executeUpdate();
        return new Result.Saved(false, row.revision());
      }
      default -> {
        if (row == null) {
          return unknown();
        }
        if (row.revision() != revision) {
          return new Result.Rejected(Result.Reason.CONFLICT, "schedule " + id + " was replaced meanwhile (revision "
              + row.revision() + ", not " + revision + "); resume it again");
        }
        if (!row.paused()) {
          return new Result.Saved(false, row.revision());
        }
        PreparedStatement ps = tx.sql(RESUME);
        ScheduleRows.setNullable(ps, 1, nextFireAt);
        ps.setLong(2, at);
        ps.setString(3, id);
        ps.executeUpdate();
        return new Result.Saved(false, row.revision());
      }
    }
  }

  private Result unknown() {
    return new Result.Rejected(Result.Reason.UNKNOWN_SCHEDULE, "no schedule " + id);
  }

  @Override
  public void announce(Result result, Effects effects) {
    // nothing of this node reacts to a schedule's definition; the leader's loop reads the table
  }
}
