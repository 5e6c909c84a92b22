package io.mvmci.command;

import io.mvmci.job.JobId;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;

/**
 * The leader fires a schedule: it submits the schedule's job for fire time {@code fireTime}, under the
 * idempotency key {@code schedule:<id>:<fireTime, ISO-8601>}, and moves the schedule on to
 * {@code nextFireAt}. The leader computed both times from the cron expression and stamps them here,
 * with its clock's {@code at}; apply compares and stores.
 *
 * <pre>
 *   i64 at, str id, u8 kind, i64 due, i64 fire_time, i64 next_fire_at (-1: none), i32 missed
 * </pre>
 *
 * <p>Invariant: a fire applies only if the schedule's {@code next_fire_at} still equals {@code due}
 * (a compare-and-set on the replicated row). The same fire proposed again (a retry, or a new leader
 * that read its copy before the first one applied) finds the schedule moved on and is a no-op
 * ({@link Result.Fired.Outcome#NOT_DUE}); so is a fire of a schedule paused or replaced meanwhile. A fire
 * is therefore applied at most once per fire time, and the key makes a job at most once per fire time
 * even across a delete and re-create. A {@link Kind#MANUAL} fire (trigger now) has no guard and does not
 * move the schedule.
 *
 * <p>Overlap, decided here from the replicated state of the schedule's last job: while it has not
 * finished, {@code skip} submits nothing ({@code SKIPPED}), {@code queue} submits the job Waiting for it
 * ({@link JobOptions#after}, {@code QUEUED}), {@code allow} submits as usual.
 *
 * @param kind why it fires (see {@link Kind})
 * @param due the schedule's {@code next_fire_at} the leader read (the guard); -1 for a manual fire
 * @param fireTime the fire time this fire stands for (the key; the job's earliest start)
 * @param nextFireAt the schedule's next fire time after this fire, -1 for none; ignored by a manual fire
 * @param missed fire times passed over by this fire (catch-up after downtime), not counting {@code fireTime}
 */
public record FireSchedule(long at, String id, Kind kind, long due, long fireTime, long nextFireAt, int missed)
    implements Command {

  /** Why a schedule fires. Codes are append-only; {@link #label} is the history's spelling. */
  public enum Kind {
    /** Its next fire time came ({@code fireTime == due}). */
    SCHEDULED(1, "scheduled"),
    /** After downtime, with catch-up {@code last}: the latest fire time that passed fires once. */
    CATCH_UP(2, "catch-up"),
    /** After downtime, with catch-up {@code none} (or nothing left to catch up): no job, the schedule moves on. */
    MISSED(3, "missed"),
    /** Triggered over the API: a job now, the schedule's own times unchanged. */
    MANUAL(4, "manual");

    public final int code;
    public final String label;

    Kind(int code, String label) {
      this.code = code;
      this.label = label;
    }

    static Kind of(int code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      throw new MalformedCommandException("unknown fire kind " + code);
    }
  }

  private static final String FIND_BY_KEY = "SELECT seq FROM jobs WHERE idempotency_key = ?";
  private static final String UPDATE = """
      UPDATE schedules SET next_fire_at = CASE WHEN ?1 THEN ?2 ELSE next_fire_at END,
                           last_fire_at = coalesce(?3, last_fire_at), last_job_seq = coalesce(?4, last_job_seq),
                           submitted = submitted + ?5, skipped = skipped + ?6, missed = missed + ?7
      WHERE id = ?8""";

  public FireSchedule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    if (missed < 0) {
      throw new IllegalArgumentException("missed " + missed);
    }
  }

  /** The idempotency key of the job this fire submits. */
  public String jobKey() {
    return jobKey(id, kind, fireTime);
  }

  /** {@code schedule:<id>:<fire time>}, or {@code schedule:<id>:manual:<time>} for a manual fire. */
  public static String jobKey(String id, Kind kind, long fireTime) {
    return "schedule:" + id + ":" + (kind == Kind.MANUAL ? "manual:" : "") + Instant.ofEpochMilli(fireTime);
  }

  @Override
  public CommandType type() {
    return CommandType.FIRE_SCHEDULE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(id).u8(kind.code).i64(due).i64(fireTime).i64(nextFireAt).i32(missed);
  }

  static FireSchedule read(WireReader r) {
    long at = r.i64();
    String id = r.str();
    Kind kind = Kind.of(r.u8());
    long due = r.i64();
    long fireTime = r.i64();
    long next = r.i64();
    int missed = r.i32();
    if (missed < 0) {
      throw new MalformedCommandException("missed " + missed);
    }
    return new FireSchedule(at, id, kind, due, fireTime, next, missed);
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    ScheduleRows.Row row = ScheduleRows.load(tx, id);
    if (row == null) {
      return new Result.Rejected(Result.Reason.UNKNOWN_SCHEDULE, "no schedule " + id);
    }
    if (kind != Kind.MANUAL && (row.paused() || row.nextFireAt() == null || row.nextFireAt() != due)) {
      return new Result.Fired(Result.Fired.Outcome.NOT_DUE, -1);
    }
    Result.Fired.Outcome outcome;
    long jobSeq = -1;
    String detail = null;
    long known = kind == Kind.MISSED ? -1 : keyed(tx);
    if (kind == Kind.MISSED) {
      outcome = Result.Fired.Outcome.MISSED;
      detail = missed + (missed == 1 ? " fire time" : " fire times") + " passed while no leader fired them";
    } else if (known >= 0) {
      outcome = Result.Fired.Outcome.DUPLICATE; // idempotency first: the same fire proposed again answers its job
      jobSeq = known;
    } else {
      JobRows.State last = row.lastJobSeq() == null ? null : tx.rows.load(row.lastJobSeq());
      boolean running = last != null && !last.status().isTerminal();
      if (running && row.overlap() == ScheduleSpec.Overlap.SKIP) {
        outcome = Result.Fired.Outcome.SKIPPED;
        detail = JobId.format(last.seq()) + " was " + last.status();
      } else {
        boolean queue = running && row.overlap() == ScheduleSpec.Overlap.QUEUE;
        JobOptions options = new JobOptions(row.moduleSha256());
        SubmitJob job = new SubmitJob(at, row.workflow(), row.input(), row.url(), row.priority(), fireTime,
            row.maxAttempts(), row.timeoutMs(), jobKey(), queue ? options.after(last.seq()) : options);
        Result r = job.apply(tx);
        if (r instanceof Result.Submitted s) {
          jobSeq = s.seq();
          outcome = s.duplicate() ? Result.Fired.Outcome.DUPLICATE
              : queue ? Result.Fired.Outcome.QUEUED : Result.Fired.Outcome.SUBMITTED;
          if (queue) {
            detail = "after " + JobId.format(last.seq()) + " (" + last.status() + ")";
          }
          if (!s.duplicate()) {
            long seq = s.seq();
            String workflow = row.workflow();
            tx.followUp(e -> {
              e.jobSubmitted(seq, at, workflow);
              e.workReady();
            });
          }
        } else {
          outcome = Result.Fired.Outcome.FAILED;
          detail = ((Result.Rejected) r).message();
        }
      }
      if (kind == Kind.CATCH_UP) {
        String caught = "caught up after " + missed + (missed == 1 ? " earlier fire time" : " earlier fire times")
            + " passed";
        detail = detail == null ? caught : caught + "; " + detail;
      }
    }
    boolean newJob = outcome == Result.Fired.Outcome.SUBMITTED || outcome == Result.Fired.Outcome.QUEUED;
    PreparedStatement ps = tx.sql(UPDATE);
    ps.setBoolean(1, kind != Kind.MANUAL);
    ScheduleRows.setNullable(ps, 2, nextFireAt);
    ScheduleRows.setNullable(ps, 3, kind == Kind.MISSED ? -1 : fireTime);
    ScheduleRows.setNullable(ps, 4, newJob ? jobSeq : -1);
    ps.setInt(5, newJob ? 1 : 0);
    ps.setInt(6, outcome == Result.Fired.Outcome.SKIPPED ? 1 : 0);
    ps.setInt(7, missed);
    ps.setString(8, id);
    ps.executeUpdate();
    ScheduleRows.record(tx, id, fireTime, at, kind.label, outcome.label, jobSeq, missed, detail);
    return new Result.Fired(outcome, jobSeq);
  }

  /** The job this fire's key already names, or -1. */
  private long keyed(Tx tx) throws SQLException {
    PreparedStatement find = tx.sql(FIND_BY_KEY);
    find.setString(1, jobKey());
    try (java.sql.ResultSet rs = find.executeQuery()) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Fired f && f.outcome() != Result.Fired.Outcome.NOT_DUE) {
      effects.scheduleFired(id, kind.label, f.outcome().label, fireTime, at, missed);
    }
  }
}
