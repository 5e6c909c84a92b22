package io.mvmci.worker;

import io.mvmci.command.JobRef;
import io.mvmci.command.ReportProgress;
import io.mvmci.command.Result;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How a worker talks to the queue. A node's embedded worker proposes commands through its own Raft
 * node; a remote worker sends them over HTTP to any node. Times, lease deadlines and retry deadlines
 * are stamped by the node that proposes the command, never by the worker.
 *
 * <p>Every method may throw {@link WorkException} when the queue cannot be reached; the outcome of a
 * report that failed that way is unknown and the worker reports again.
 */
public interface WorkTransport extends HistoryTransport, WaitTransport {

  /** This worker's identity in the queue (claims and heartbeats carry it). */
  String workerId();

  /**
   * Claims up to {@code max} runnable jobs. When none is runnable it may wait up to {@code wait}
   * for one to appear (a long poll) before answering an empty list.
   */
  List<Result.ClaimedJob> claim(int max, Duration wait);

  /**
   * Makes ready here what {@code job}'s run needs before it starts: a remote worker fetches and compiles
   * the job's module version if it does not have it. The worker calls it after it holds the claim among
   * its heartbeats, so a slow fetch or compile does not let the lease run out; nothing to do for an
   * embedded worker, which runs the node's own modules.
   *
   * @throws WorkException if it cannot (the module cannot be fetched, or does not load); the run is then
   *     reported failed without starting
   */
  default void prepare(Result.ClaimedJob job) {
  }

  /**
   * The lease the control plane gives this worker's claims, from its latest answer ({@code lease_ms}); empty
   * until one came, or if it sends none (an older control plane). The worker's lease check counts on no
   * more than this.
   */
  default java.util.OptionalLong leaseMs() {
    return java.util.OptionalLong.empty();
  }

  /**
   * Whether this transport can wait for work apart from a claim ({@link #workSeen}, {@link #awaitWork}),
   * so a worker waits holding none of its free slots and an eager start can take one (the embedded
   * worker's). Otherwise the claim itself waits (a remote worker's long poll).
   */
  default boolean waitsApart() {
    return false;
  }

  /** A mark of the work seen so far, taken before a claim that may find nothing (see {@link #awaitWork}). */
  default long workSeen() {
    return 0;
  }

  /**
   * Waits up to {@code wait} for work that may have appeared since the mark {@code seen}, for a
   * transport that {@link #waitsApart}; answers at once otherwise.
   */
  default void awaitWork(long seen, Duration wait) {
  }

  /**
   * The claims this worker holds now, as the queue sees them (after a restart: the runs to resume
   * from their replicated history).
   */
  List<Result.ClaimedJob> claimsHeld();

  /** Says the worker is alive and renews the leases of {@code running}; answers the stale ones. */
  List<JobRef> heartbeat(List<JobRef> running, int capacity);

  /** Reports coalesced progress and log lines; answers the claims that are stale. */
  List<JobRef> progress(List<ReportProgress.Item> items);

  /** The run succeeded; true if accepted, false if the claim was stale (nothing changed). */
  boolean complete(JobRef job, String output);

  /**
   * {@link #complete} without holding the caller's thread while the queue commits: the future
   * completes with the same answer, or exceptionally with a {@link WorkException}. By default it
   * calls {@link #complete} on the calling thread.
   */
  default CompletableFuture<Boolean> completeAsync(JobRef job, String output) {
    try {
      return CompletableFuture.completedFuture(complete(job, output));
    } catch (WorkException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Whether {@link #completeAsync} returns without waiting on the queue, so that any thread may call
   * it: then the worker reports a success from the thread that finished the run.
   */
  default boolean completesWithoutWaiting() {
    return false;
  }

  /**
   * The run failed; it is retried after {@code retryDelayMs} if retryable and failures remain.
   * {@code output} is what it had output (JSON text, or null if it output nothing).
   */
  boolean fail(JobRef job, String error, boolean retryable, long retryDelayMs, String output);

  /** Hands the job back unfinished (this worker is stopping); not counted as a failure. */
  boolean release(JobRef job, String reason);
}
