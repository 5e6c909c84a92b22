package io.mvmci.replication;

import io.mvmci.store.QueueStore;
import java.sql.SQLException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error channels of an apply that failed with a {@link SQLException} (the transaction was rolled
 * back, nothing written). A locked database (SQLITE_BUSY or SQLITE_LOCKED) is transient: the same
 * entry is applied again, pausing 10 ms growing to 1 s, for up to {@link #BUSY_RETRY_MS}. Storage that
 * cannot take the write (SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN: a full disk, a
 * data directory turned read-only) is waited out: the entry is applied again, pausing up to 5 s, for
 * as long as it takes, and {@link Faults} is told, so the node refuses writes meanwhile and says why;
 * nothing is skipped, so the replica cannot diverge, and it goes on by itself once the disk takes
 * writes again. Any other failure, or a lock that outlasts its window, throws {@link
 * IllegalStateException}, which stops the node (fail-stop: a replica that skipped an entry would
 * diverge).
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

  /** Who hears that an entry waits for storage, and that it went in. */
  interface Faults {
    Faults NONE = new Faults() {
      @Override
      public void blocked(long index, String cause) {}

      @Override
      public void resumed() {}
    };

    void blocked(long index, String cause);

    void resumed();
  }

  /** The longest pause between two applies of an entry waiting for storage. */
  static final long STORAGE_PAUSE_MAX_MS = 5_000;

  /** The real clock and {@link Thread#sleep}, telling nobody about storage. */
  static final BusyRetry SYSTEM = new BusyRetry(System::nanoTime, Thread::sleep);

  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private final Faults faults;

  BusyRetry(LongSupplier nanoTime, Sleeper sleeper) {
    this(nanoTime, sleeper, Faults.NONE);
  }

  BusyRetry(LongSupplier nanoTime, Sleeper sleeper, Faults faults) {
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.faults = faults;
  }

  /** SQLite could not write to its storage: full, read-only, an I/O error, a file it cannot open. */
  static boolean isStorage(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.sqlite.SQLiteException s) {
        int primary = s.getResultCode().code & 0xff;
        return primary == 13 /* FULL */ || primary == 8 /* READONLY */ || primary == 10 /* IOERR */
            || primary == 14 /* CANTOPEN */;
      }
    }
    return false;
  }

  /** Runs {@code attempt}, the apply of entry {@code term:index}, until it succeeds or must stop the node. */
  <T> T applyOrStop(long term, long index, Attempt<T> attempt) {
    long deadline = nanoTime.getAsLong() + BUSY_RETRY_MS * 1_000_000;
    long pauseMs = 10;
    boolean blocked = false;
    for (int n = 1; ; n++) {
      try {
        T applied = attempt.run();
        if (blocked) {
          faults.resumed();
        }
        return applied;
      } catch (SQLException e) {
        if (isStorage(e)) {
          faults.blocked(index, e.getMessage());
          blocked = true;
          pauseMs = Math.max(pauseMs, 100);
          pause(term, index, pauseMs);
          pauseMs = Math.min(pauseMs * 2, STORAGE_PAUSE_MAX_MS);
          continue;
        }
        if (!QueueStore.isTransient(e) || nanoTime.getAsLong() > deadline) {
          throw new IllegalStateException("cannot apply entry " + term + ":" + index
              + " to the queue database; stopping this node: " + e.getMessage(), e);
        }
        if (n == 1 || n % 20 == 0) {
          LOG.warn("entry {}:{}: the queue database is locked ({}); applying it again (attempt {})",
              term, index, e.getMessage(), n + 1);
        }
        pause(term, index, pauseMs);
        pauseMs = Math.min(pauseMs * 2, 1_000);
      }
    }
  }

  private void pause(long term, long index, long ms) {
    try {
      sleeper.sleep(ms);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while applying entry " + term + ":" + index, ie);
    }
  }
}
