package io.mvmci.replication;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Linearizable reads for many callers at the price of few ReadIndex round trips.
 *
 * <p>A barrier completes once this node has applied everything the leader had committed at some
 * moment after the barrier was requested; a read of the local database after that sees every write
 * acknowledged before the read began. A caller that arrives while a ReadIndex request is in flight
 * cannot share it (the leader may have fixed its index before the caller arrived), so it waits for the
 * next one, which is sent as soon as the current one returns. All callers that arrive meanwhile share
 * that next request.
 *
 * <p>Each caller gets its own view of the shared round, so a caller
 * that gives up and cancels its future (a read that timed out) cancels no one else's read: once a
 * request's timeout cancelled the shared round, every other reader on it, the start-up of the
 * node's worker among them, failed with a CancellationException (a 500, or a node whose start failed).
 */
final class ReadBarrier {
  private final Supplier<CompletableFuture<?>> readIndex;
  private CompletableFuture<Void> current;
  private CompletableFuture<Void> next;
  private final java.util.concurrent.atomic.AtomicLong requested = new java.util.concurrent.atomic.AtomicLong();

  /** @param readIndex sends one ReadIndex request and completes when the local node has caught up */
  ReadBarrier(Supplier<CompletableFuture<?>> readIndex) {
    this.readIndex = readIndex;
  }

  CompletableFuture<Void> await() {
    requested.incrementAndGet();
    synchronized (this) {
      if (current != null) {
        if (next == null) {
          next = new CompletableFuture<>();
        }
        return view(next);
      }
      current = new CompletableFuture<>();
    }
    CompletableFuture<Void> mine = current;
    CompletableFuture<Void> view = view(mine);
    start(mine);
    return view;
  }

  /** How many barriers callers have asked for (shared rounds counted once per caller). */
  long requested() {
    return requested.get();
  }

  /** A future of its own that completes as the shared round does, with the same (unwrapped) error. */
  private static CompletableFuture<Void> view(CompletableFuture<Void> shared) {
    CompletableFuture<Void> v = new CompletableFuture<>();
    shared.whenComplete((ok, error) -> {
      if (error == null) {
        v.complete(null);
      } else {
        v.completeExceptionally(error);
      }
    });
    return v;
  }

  private void start(CompletableFuture<Void> round) {
    CompletableFuture<?> f;
    try {
      f = readIndex.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((ignored, error) -> {
      CompletableFuture<Void> following;
      synchronized (this) {
        following = next;
        next = null;
        current = following;
      }
      if (error == null) {
        round.complete(null);
      } else {
        round.completeExceptionally(ReplicationException.unwrap(error));
      }
      if (following != null) {
        start(following);
      }
    });
  }
}
