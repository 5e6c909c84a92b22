package io.mvmci.command;

import java.util.Objects;

/**
 * A schedule's definition, as {@link PutSchedule} carries it: when (a cron expression in a time zone,
 * kept as text: apply never evaluates it, the proposer stamps the fire times), what (the job, with
 * the proposing node's defaults filled in, as {@code POST /api/v1/jobs} would submit it), and what to
 * do when a fire finds the previous job still running ({@link Overlap}) or finds fire times that
 * passed while no leader fired them ({@link CatchUp}).
 *
 * <pre>
 *   str cron, str time_zone, str workflow, str input, optstr url, i32 priority, i32 max_attempts,
 *   i64 timeout_ms, optstr module_sha256, u8 overlap, u8 catch_up
 * </pre>
 */
public record ScheduleSpec(
    String cron,
    String timeZone,
    String workflow,
    String input,
    String url,
    int priority,
    int maxAttempts,
    long timeoutMs,
    String moduleSha256,
    Overlap overlap,
    CatchUp catchUp) {

  /** What a fire does while the schedule's previous job has not finished. Codes are append-only. */
  public enum Overlap {
    /** No job; the fire is recorded as skipped (Temporal's default). */
    SKIP(1, "skip"),
    /** The job is submitted Waiting for the previous one, and starts when it finishes. */
    QUEUE(2, "queue"),
    /** The job is submitted as any other, to run beside the previous one. */
    ALLOW(3, "allow");

    public final int code;
    public final String label;

    Overlap(int code, String label) {
      this.code = code;
      this.label = label;
    }

    public static Overlap parse(String label) {
      for (Overlap o : values()) {
        if (o.label.equals(label)) {
          return o;
        }
      }
      return null;
    }

    static Overlap of(int code) {
      for (Overlap o : values()) {
        if (o.code == code) {
          return o;
        }
      }
      throw new MalformedCommandException("unknown overlap policy " + code);
    }
  }

  /** What the leader does with fire times older than the grace it allows a late fire. Codes are append-only. */
  public enum CatchUp {
    /** They are passed over (counted as missed); the schedule goes on from the next time. */
    NONE(1, "none"),
    /** The latest of them fires once; the others are passed over. */
    LAST(2, "last");

    public final int code;
    public final String label;

    CatchUp(int code, String label) {
      this.code = code;
      this.label = label;
    }

    public static CatchUp parse(String label) {
      for (CatchUp c : values()) {
        if (c.label.equals(label)) {
          return c;
        }
      }
      return null;
    }

    static CatchUp of(int code) {
      for (CatchUp c : values()) {
        if (c.code == code) {
          return c;
        }
      }
      throw new MalformedCommandException("unknown catch-up policy " + code);
    }
  }

  public ScheduleSpec {
    Objects.requireNonNull(cron, "cron");
    Objects.requireNonNull(timeZone, "timeZone");
    Objects.requireNonNull(workflow, "workflow");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(overlap, "overlap");
    Objects.requireNonNull(catchUp, "catchUp");
  }

  void writeTo(WireWriter w) {
    w.str(cron).str(timeZone).str(workflow).str(input).optStr(url).i32(priority).i32(maxAttempts).i64(timeoutMs)
        .optStr(moduleSha256).u8(overlap.code).u8(catchUp.code);
  }

  static ScheduleSpec read(WireReader r) {
    return new ScheduleSpec(r.str(), r.str(), r.str(), r.str(), r.optStr(), r.i32(), r.i32(), r.i64(), r.optStr(),
        Overlap.of(r.u8()), CatchUp.of(r.u8()));
  }
}
