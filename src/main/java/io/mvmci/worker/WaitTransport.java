package io.mvmci.worker;

import io.mvmci.command.AppendSteps;
import io.mvmci.command.JobRef;
import io.mvmci.command.Result;
import io.mvmci.workflow.RunServices;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * How a worker's runs wait without holding anything, and reach the jobs around them: suspending a
 * run (the job waits, its slot is free), the signals sent to its job, and its child jobs. Embedded:
 * through the node's own Raft node and copy of the queue; remote: over HTTP.
 *
 * <p>Every method may throw {@link WorkException} when the queue cannot be reached.
 */
public interface WaitTransport {
  /**
   * The run under claim {@code job} waits for {@code waitingFor} until {@code wakeAt} (-1: no
   * deadline); {@code signalsAfter} is the last signal of that name it consumed; {@code writes} are its
   * last history writes, appended with the suspension. The queue's answer: Done (the job is Waiting,
   * or Pending again if the wait was already over), or Rejected (a stale claim; a history limit).
   */
  Result suspend(JobRef job, String waitingFor, long wakeAt, long signalsAfter, List<AppendSteps.Write> writes);

  /**
   * {@link #suspend} without holding the caller's thread while the queue commits. By default it
   * calls {@link #suspend} on the calling thread.
   */
  default CompletableFuture<Result> suspendAsync(JobRef job, String waitingFor, long wakeAt, long signalsAfter,
      List<AppendSteps.Write> writes) {
    try {
      return CompletableFuture.completedFuture(suspend(job, waitingFor, wakeAt, signalsAfter, writes));
    } catch (WorkException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The first signal named {@code name} sent to {@code job} with an id above {@code afterId}. */
  Optional<RunServices.Signal> nextSignal(JobRef job, String name, long afterId);

  /**
   * Submits a child of {@code parent} from a {@code spawn_job} request (JSON), under {@code key}: a
   * second call with the same key answers the same child.
   */
  RunServices.Answer spawn(JobRef parent, String key, byte[] request);

  /** The outcome of {@code childId}, a child of {@code parent}, or what to wait for while it runs. */
  RunServices.Answer childOutcome(JobRef parent, String childId);

  /**
   * ABI v4: stores {@code file} as artifact {@code name} of {@code job}'s job, answering once a
   * majority of the cluster holds it: 0 and the stored artifact (JSON), or 1 and why not (a limit).
   * By default a transport stores none.
   */
  default RunServices.Answer storeArtifact(JobRef job, String name, java.nio.file.Path file, long size,
      String sha256) {
    return RunServices.Answer.of(1, "this worker's transport stores no artifacts"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
