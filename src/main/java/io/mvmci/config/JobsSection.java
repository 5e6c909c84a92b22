package io.mvmci.config;

import java.util.List;

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
 *     logs and idempotency keys, this long after they finished; 0 keeps them forever; {@code
 *     retention_hours}, hours, default 0
 */
public record JobsSection(
    int leaseMs,
    int heartbeatMs,
    int reaperIntervalMs,
    int maxAttempts,
    int backoffBaseMs,
    int backoffMaxMs,
    int timeoutMs,
    int retentionHours) {

  public static final JobsSection DEFAULTS = new JobsSection(3000, 1000, 500, 3, 1000, 60_000, 300_000, 0);

  static final List<String> KEYS =
      List.of(
          "lease_ms",
          "heartbeat_ms",
          "reaper_interval_ms",
          "max_attempts",
          "backoff_base_ms",
          "backoff_max_ms",
          "timeout_ms",
          "retention_hours");

  private static final int DAY_MS = 86_400_000;

  static JobsSection from(TomlTable t) {
    JobsSection d = DEFAULTS;
    int lease = t.intValue("lease_ms", d.leaseMs, 100, 3_600_000, "milliseconds");
    int heartbeat = t.intValue("heartbeat_ms", d.heartbeatMs, 10, 1_800_000, "milliseconds");
    if (2L * heartbeat > lease) {
      throw t.invalid(
          "heartbeat_ms",
          heartbeat,
          "must be at most half of " + t.field("lease_ms") + " (" + lease
              + "), so one late heartbeat does not lose the lease");
    }
    int reaper = t.intValue("reaper_interval_ms", d.reaperIntervalMs, 10, 600_000, "milliseconds");
    if (reaper > lease) {
      throw t.invalid(
          "reaper_interval_ms", reaper, "must not exceed " + t.field("lease_ms") + " (" + lease + ")");
    }
    int attempts = t.intValue("max_attempts", d.maxAttempts, 1, 1000, "attempts");
    int base = t.intValue("backoff_base_ms", d.backoffBaseMs, 0, DAY_MS, "milliseconds");
    int max = t.intValue("backoff_max_ms", d.backoffMaxMs, 0, DAY_MS, "milliseconds");
    if (max < base) {
      throw t.invalid(
          "backoff_max_ms", max, "must not be less than " + t.field("backoff_base_ms") + " (" + base + ")");
    }
    int timeout = t.intValue("timeout_ms", d.timeoutMs, 1000, 7 * DAY_MS, "milliseconds");
    int retention = t.intValue("retention_hours", d.retentionHours, 0, 87_600, "hours");
    return new JobsSection(lease, heartbeat, reaper, attempts, base, max, timeout, retention);
  }
}
