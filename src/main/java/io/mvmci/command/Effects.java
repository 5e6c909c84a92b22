package io.mvmci.command;

import io.mvmci.job.JobStatus;
import java.util.List;

/**
 * What this node's parts (the work signal, the metrics, the module deployer) hear about applied
 * commands. Each command's {@link Command#announce} decides which of these it raises, so what the
 * listeners react to is dispatched from the same sealed type as decoding and apply.
 *
 * <p>Contract: called on the apply thread after the entry's transaction committed, in log order.
 * Implementations are quick (wake a thread, bump a metric, hand work to a thread of their own) and
 * do not throw. Every method does nothing by default.
 */
public interface Effects {
  /** Work may have become claimable: a submission, a retry, a hand-back, an expired lease, a module. */
  default void workReady() {
  }

  /** A new job (not an idempotent repeat) joined the queue. */
  default void jobSubmitted(long seq, long at) {
  }

  /**
   * {@link #jobSubmitted(long, long)} with the job's workflow, for parts that keep figures per
   * workflow. A submission raises this one; by default it is the two-argument method.
   */
  default void jobSubmitted(long seq, long at, String workflow) {
    jobSubmitted(seq, at);
  }

  /** A finished job (Failed or Cancelled) was put back in the queue, as Pending, at {@code at}. */
  default void jobRetried(long seq, long at) {
  }

  /**
   * A run of job {@code seq} recorded progress or log lines (nothing else about the job changed). Raised
   * once per job and command, for the live views.
   */
  default void jobProgressed(long seq) {
  }

  /** A worker claimed these jobs at {@code at}. */
  default void jobsClaimed(long at, List<Result.ClaimedJob> jobs) {
  }

  /**
   * A worker's claim ended with its report at {@code at}: the job is now {@code to} (Completed,
   * Failed, Retrying, or Pending for a hand-back).
   */
  default void runEnded(JobRef job, long at, JobStatus to) {
  }

  /** A job was cancelled at {@code at}; a run of it, wherever it is, must stop. */
  default void jobCancelled(long seq, long at) {
  }

  /**
   * The leader's timers woke job {@code seq} at {@code at} (the leader's clock, stamped in the
   * command) for a timer or a wait's timeout due at {@code wakeAt}: {@code at - wakeAt} is the lag.
   */
  default void timerFired(long seq, long wakeAt, long at) {
  }

  /**
   * The leader fired schedule {@code id} for {@code fireTime} at {@code at} (its clock, stamped in the
   * command: {@code at - fireTime} is the lateness). {@code kind} is {@code scheduled}, {@code catch-up},
   * {@code missed} or {@code manual}; {@code outcome} is {@code submitted}, {@code queued},
   * {@code skipped}, {@code missed}, {@code duplicate} or {@code failed}; {@code missed} fire times were
   * passed over with it (catch-up after downtime).
   */
  default void scheduleFired(String id, String kind, String outcome, long fireTime, long at, int missed) {
  }

  /** The reaper took back {@code jobs} jobs whose lease had run out. */
  default void leasesExpired(int jobs) {
  }

  /** A module version was stored; this node must be able to run it. */
  default void moduleStored(String name, String sha256, byte[] wasm) {
  }

  /** A module version was deleted; this node may drop it. */
  default void moduleDeleted(String name, String sha256) {
  }

  /**
   * A consistency check's entry, at log index {@code index}, applied with the rest of its entry: this
   * member digests its copy as it stands now, before the next entry applies (see {@link CheckConsistency}).
   */
  default void consistencyCheckApplied(long index) {
  }

  /** A member's digest for the consistency check at {@code checkIndex} was recorded. */
  default void consistencyReported(long checkIndex) {
  }

  /** The whole database was replaced by an installed snapshot: re-read whatever was derived from it. */
  default void reloaded() {
  }
}
