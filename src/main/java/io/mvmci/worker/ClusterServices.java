package io.mvmci.worker;

import io.mvmci.command.JobRef;
import io.mvmci.job.JobId;
import io.mvmci.workflow.RunServices;
import java.util.Optional;

/**
 * What a claimed run asks of the cluster (ABI v3): the signals sent to its job, its child jobs, and
 * the threshold above which a wait gives the worker's slot back, and whether its lease holds. Calls are retried while the queue is
 * unreachable, as the run's history's are; then the run stops, to be resumed.
 *
 * <p>A child is submitted under the key {@code spawn:<parent>:<execution>:<step>}: a run that died
 * after submitting and before recording the step submits again under the same key, and the queue
 * answers the same child.
 */
final class ClusterServices implements RunServices {
  private final WaitTransport transport;
  private final JobRef job;
  private final int execution;
  private final long suspendAfterMs;
  private final Lease lease;

  ClusterServices(WaitTransport transport, JobRef job, int execution, long suspendAfterMs, Lease lease) {
    this.transport = transport;
    this.job = job;
    this.execution = execution;
    this.suspendAfterMs = suspendAfterMs;
    this.lease = lease;
  }

  /** The worker's bound on the claim's lease, renewed by a heartbeat sent now if it has passed ({@link Lease}). */
  @Override
  public boolean leaseHolds() {
    return lease.holds();
  }

  @Override
  public long suspendSleepsLongerThanMs() {
    return suspendAfterMs;
  }

  @Override
  public Optional<Signal> nextSignal(String name, long afterId) {
    return ReplicatedHistory.retrying(job, "read the signals", () -> transport.nextSignal(job, name, afterId));
  }

  @Override
  public Answer spawn(byte[] request, int step) {
    String key = "spawn:" + JobId.format(job.seq()) + ":" + execution + ":" + step;
    return ReplicatedHistory.retrying(job, "spawn a child job", () -> transport.spawn(job, key, request));
  }

  @Override
  public Answer storeArtifact(String name, java.nio.file.Path file, long size, String sha256) {
    return ReplicatedHistory.retrying(job, "store artifact " + name,
        () -> transport.storeArtifact(job, name, file, size, sha256));
  }

  @Override
  public Answer jobOutcome(String jobId) {
    return ReplicatedHistory.retrying(job, "read " + jobId, () -> transport.childOutcome(job, jobId));
  }
}
