package io.mvmci.worker;

import java.time.Duration;

/**
 * How a worker behaves.
 *
 * @param capacity jobs run at once
 * @param leaseMs how long a claim holds without a heartbeat: the control plane's {@code [jobs] lease_ms}; the
 *     worker's lease check before an {@code http_request} ({@link Lease}) counts on it, so it must not be longer
 * @param heartbeatMs how often leases are renewed (well under {@code leaseMs})
 * @param backoffBaseMs first retry delay; doubles with each failure, with jitter
 * @param backoffMaxMs longest retry delay
 * @param shutdownGrace how long a stopping worker lets its runs finish before handing them back
 * @param suspendAfterMs a run that must wait longer than this gives its slot back (the job waits)
 * @param resumeLog where the worker lists the runs it is resuming ({@link ResumeLog}); null keeps none
 */
public record WorkerSettings(
    int capacity,
    long leaseMs,
    long heartbeatMs,
    long backoffBaseMs,
    long backoffMaxMs,
    Duration shutdownGrace,
    long suspendAfterMs,
    java.nio.file.Path resumeLog) {

  public WorkerSettings(int capacity, long leaseMs, long heartbeatMs, long backoffBaseMs, long backoffMaxMs,
      Duration shutdownGrace, long suspendAfterMs) {
    this(capacity, leaseMs, heartbeatMs, backoffBaseMs, backoffMaxMs, shutdownGrace, suspendAfterMs, null);
  }

  public WorkerSettings {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    if (heartbeatMs <= 0 || heartbeatMs >= leaseMs) {
      throw new IllegalArgumentException("heartbeatMs must be positive and below leaseMs");
    }
  }
}
