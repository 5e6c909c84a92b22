package io.mvmci.workflow;

import java.util.Optional;

/**
 * What a run may ask of the cluster beyond its history (ABI version 3): the signals sent to its job,
 * child jobs, and the right to give its thread back while it waits. A worker hands one to each run it
 * starts ({@link RunSpec#withServices}); a run without one (the engine on its own) sleeps on its thread
 * and cannot wait for signals or spawn jobs.
 *
 * <p>A run that must wait ends with {@link RunOutcome.Suspended}, naming what it waits for; the wait's
 * steps are in its history, so the run that resumes it replays up to the wait and asks again.
 *
 * <p>Threading: the run's thread. Failures: {@link HistoryException} (UNAVAILABLE when the cluster
 * cannot be reached), which stops the run like a history failure.
 */
public interface RunServices {
  /**
   * A {@code sleep_ms} whose remaining time is longer than this gives the run's thread back (the job
   * waits for a timer) instead of sleeping on it.
   */
  long suspendSleepsLongerThanMs();

  /** The first signal named {@code name} sent to this run's job with an id above {@code afterId}. */
  Optional<Signal> nextSignal(String name, long afterId);

  /**
   * Submits a child job from a {@code spawn_job} request (JSON, as the jobs API takes it), exactly
   * once for the run's step {@code step}: asked again for the same step, it answers the same child.
   */
  Answer spawn(byte[] request, int step);

  /**
   * The outcome of job {@code jobId}, a child of this run's job: a finished one's answer, or what the
   * run waits for ({@link Answer#waitFor}) while the child has not finished.
   */
  Answer jobOutcome(String jobId);

  /**
   * ABI v4: stores the spooled file {@code file} ({@code size} bytes hashing to {@code sha256}) as
   * artifact {@code name} of this run's job, answering once a majority of the cluster holds it: 0 and
   * the stored artifact as JSON, or 1 and why it was refused (a limit, a bad name). The file stays the
   * caller's.
   */
  default Answer storeArtifact(String name, java.nio.file.Path file, long size, String sha256) {
    return Answer.of(1, "this run has no cluster to store artifacts in".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Whether this run's claim is known to hold now: asked by {@code http_request} once its connection
   * is made, right before the request is written. False stops the run as one whose claim was lost
   * ({@code CLAIM_LOST}) with the request unsent and its start recorded without a result, so the
   * claim's next holder applies the in-flight rule. It may take a moment (a worker may renew its
   * leases to answer). By default true: a run that holds no lease.
   */
  default boolean leaseHolds() {
    return true;
  }

  /** ABI v4: the largest artifact {@code artifact_write} accepts. */
  default long maxArtifactBytes() {
    return 1L << 30;
  }

  /** A signal: its id (increasing per job) and its payload (JSON). */
  record Signal(long id, byte[] payload) {}

  /**
   * An answer to a guest: the i32 its call returns and the bytes it reads with {@code result_read};
   * or, for a child not finished, {@code waitFor} (what the job waits for) and no code.
   */
  record Answer(int code, byte[] bytes, String waitFor) {
    public static Answer of(int code, byte[] bytes) {
      return new Answer(code, bytes, null);
    }

    public static Answer waitFor(String what) {
      return new Answer(0, new byte[0], what);
    }
  }
}
