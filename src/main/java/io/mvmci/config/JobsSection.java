package io.mvmci.config;

/**
 * The {@code [jobs]} section: leases, retries and timeouts of job runs. Every key is optional.
 *
 * <p>Invariants once loaded: {@code 2 * heartbeatMs <= leaseMs}; {@code reaperIntervalMs <=
 * leaseMs}; {@code backoffBaseMs <= backoffMaxMs}; and, across sections, {@code leaseMs >
 * raft.electionTimeoutMaxMs}.
 *
 * @param leaseMs a claimed job belongs to its worker this long after each heartbeat; then the
 *     reaper gives it back to the queue; {@code lease_ms}, milliseconds, default 3000
 * @param heartbeatMs how often a worker renews its lease; {@code heartbeat_ms}, milliseconds,
 *     default 1000
 * @param reaperIntervalMs how often the leader looks for expired leases; {@code
 *     reaper_interval_ms}, milliseconds, default 500
 * @param maxAttempts runs of one job before it is failed for good (1 = no retry); {@code
 *     max_attempts}, count, default 3
 * @param backoffBaseMs delay before the first retry; doubles with each further attempt; {@code
 *     backoff_base_ms}, milliseconds, default 1000
 * @param backoffMaxMs cap on the retry delay; {@code backoff_max_ms}, milliseconds, default
 *     60000
 * @param timeoutMs a run still going after this long is stopped and counts as a failed attempt;
 *     {@code timeout_ms}, milliseconds, default 300000 (5 minutes)
 * @param retentionHours finished jobs (Completed, Failed, Cancelled) are deleted, with their events,
 *     logs, history and idempotency keys, this long after they finished; 0 keeps them forever; {@code
 *     retention_hours}, hours, default 0
 * @param maxStepBytes the largest result one step of a run's replicated history may record (an HTTP
 *     response's JSON, a log line); a run that exceeds it fails for good, naming the limit; {@code
 *     max_step_bytes}, bytes, default 2097152 (2 MiB)
 * @param maxHistoryBytes the most result bytes one execution's history may hold; {@code
 *     max_history_bytes}, bytes, default 33554432 (32 MiB)
 * @param maxHistorySteps the most steps one execution's history may hold; {@code
 *     max_history_steps}, steps, default 50000
 * @param suspendAfterMs a run that must wait longer than this (a {@code sleep_ms}, a signal's
 *     timeout) gives its worker slot and thread back and waits as a Waiting job; a shorter wait is
 *     slept on its thread; {@code suspend_after_ms}, milliseconds, default 500
 * @param scheduleGraceMs how late the leader may make a schedule's fire and still make it as
 *     scheduled (a leader change, a slow tick); fire times older than this passed while no leader
 *     fired them and follow the schedule's {@code catch_up} policy; {@code schedule_grace_ms},
 *     milliseconds, default 60000
 */
public record JobsSection(
    @Range(min = 100, max = 3_600_000, unit = "milliseconds") int leaseMs,
    @Range(min = 10, max = 1_800_000, unit = "milliseconds") int heartbeatMs,
    @Range(min = 10, max = 600_000, unit = "milliseconds") int reaperIntervalMs,
    @Range(min = 1, max = 1000, unit = "attempts") int maxAttempts,
    @Range(min = 0, max = DAY_MS, unit = "milliseconds") int backoffBaseMs,
    @Range(min = 0, max = DAY_MS, unit = "milliseconds") int backoffMaxMs,
    @Range(min = 1000, max = 7 * DAY_MS, unit = "milliseconds") int timeoutMs,
    @Range(min = 0, max = 87_600, unit = "hours") int retentionHours,
    @Range(min = 1024, max = 64 * MIB, unit = "bytes") int maxStepBytes,
    @Range(min = 64 * 1024, max = 1024 * MIB, unit = "bytes") int maxHistoryBytes,
    @Range(min = 10, max = 1_000_000, unit = "steps") int maxHistorySteps,
    @Range(min = 0, max = DAY_MS, unit = "milliseconds") int suspendAfterMs,
    @Range(min = 1000, max = DAY_MS, unit = "milliseconds") int scheduleGraceMs) {

  static final int MIB = 1024 * 1024;

  public static final JobsSection DEFAULTS = new JobsSection(3000, 1000, 500, 3, 1000, 60_000, 300_000, 0,
      2 * MIB, 32 * MIB, 50_000, 500, 60_000);

  static final int DAY_MS = 86_400_000;

  /** The rules between keys of this section; the binder has checked each key's range. */
  JobsSection checked(Fields f) {
    if (2L * heartbeatMs > leaseMs) {
      throw f.invalid("heartbeat_ms", "must be at most half of " + f.field("lease_ms") + " (" + leaseMs
          + "), so one late heartbeat does not lose the lease");
    }
    if (reaperIntervalMs > leaseMs) {
      throw f.invalid("reaper_interval_ms", "must not exceed " + f.field("lease_ms") + " (" + leaseMs + ")");
    }
    if (maxHistoryBytes < maxStepBytes) {
      throw f.invalid("max_history_bytes",
          "must not be less than " + f.field("max_step_bytes") + " (" + maxStepBytes + ")");
    }
    if (backoffMaxMs < backoffBaseMs) {
      throw f.invalid("backoff_max_ms",
          "must not be less than " + f.field("backoff_base_ms") + " (" + backoffBaseMs + ")");
    }
    return this;
  }
}
