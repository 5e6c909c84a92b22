package io.mvmci.replication;

import io.mvmci.store.QueueStore;
import java.sql.SQLException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two error channels of an apply that failed with a {@link SQLException}. A locked database
 * (SQLITE_BUSY or SQLITE_LOCKED: the transaction was rolled back, nothing written) is transient: the
 * same entry is applied again, pausing 10 ms growing to 1 s, for up to {@link #BUSY_RETRY_MS}. Any
 * other failure, or a lock that outlasts that, throws {@link IllegalStateException}, which stops the
 * node (fail-stop: a replica that skipped an entry would diverge).
 */
final class BusyRetry {
  private static final Logger LOG = LoggerFactory.getLogger(BusyRetry.class);

  /** How long an entry is retried while the database stays locked before this node stops. */
  static final long BUSY_RETRY_MS = 60_000;

  /** One attempt to apply an entry; a failed one wrote nothing. */
  @FunctionalInterface
  interface Attempt<T> {
    T run() throws SQLException;
  }

  @FunctionalInterface
  interface Sleeper {
    void sleep(long ms) throws InterruptedException;
  }

  /** The real clock and {@link Thread#sleep}. */
  static final BusyRetry SYSTEM = new BusyRetry(System::nanoTime, Thread::sleep);

  private final LongSupplier nanoTime;
  private final Sleeper sleeper;

  BusyRetry(LongSupplier nanoTime, Sleeper sleeper) {
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  /** Runs {@code attempt}, the apply of entry {@code term:index}, until it succeeds or must stop the node. */
  <T> T applyOrStop(long term, long index, Attempt<T> attempt) {
    long deadline = nanoTime.getAsLong() + BUSY_RETRY_MS * 1_000_000;
    long pauseMs = 10;
    for (int n = 1; ; n++) {
      try {
        return attempt.run();
      } catch (SQLException e) {
        if (!QueueStore.isTransient(e) || nanoTime.getAsLong() > deadline) {
          throw new IllegalStateException("cannot apply entry " + term + ":" + index
              + " to the queue database; stopping this node: " + e.getMessage(), e);
        }
        if (n == 1 || n % 20 == 0) {
          LOG.warn("entry {}:{}: the queue database is locked ({}); applying it again (attempt {})",
              term, index, e.getMessage(), n + 1);
        }
        try {
          sleeper.sleep(pauseMs);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while applying entry " + term + ":" + index, ie);
        }
        pauseMs = Math.min(pauseMs * 2, 1_000);
      }
    }
  }
}
