package io.mvmci.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the store's WAL into the database file on a thread and connection of its own, so that the
 * apply thread never does (store/DESIGN.md, "Checkpoints").
 *
 * <p>SQLite's default checkpoints in the committing connection once the WAL holds 1,000 pages: every
 * hundredth entry or so, the apply thread copied the WAL and fsynced the file before it could answer,
 * and that was the p99 of a commit. Here the writer's automatic checkpoint is only a backstop
 * ({@link #WRITER_BACKSTOP_PAGES}), and every {@link #PERIOD_MS} ms this thread runs a passive
 * checkpoint if anything was committed since its last look ({@code PRAGMA data_version}). A passive
 * checkpoint never waits for a lock and never blocks the writer or a reader; the writer restarts the
 * WAL from its start at its next commit once everything is copied.
 *
 * <p>Threading: everything but {@link #close} runs on the checkpointer's thread, which alone uses the
 * connection. A checkpoint that fails is logged and tried again at the next period; the backstop keeps
 * the WAL bounded meanwhile.
 */
final class Checkpointer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
  /** The writer's automatic checkpoint, for when this thread falls behind: 40 MiB of 4 KiB pages. */
  static final int WRITER_BACKSTOP_PAGES = 10_000;
  static final long PERIOD_MS = 100;

  private final Path file;
  private final ScheduledThreadPoolExecutor thread;
  /** Only the thread uses it; volatile for {@link #connected}. */
  private volatile Connection connection;
  private long dataVersion = Long.MIN_VALUE;
  private boolean failing;

  private Checkpointer(Path file) {
    this.file = file;
    this.thread = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "queue-checkpoint");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts checkpointing {@code file}, a database in WAL mode whose writer was opened by {@link Sqlite#writer}. */
  static Checkpointer start(Path file) {
    Checkpointer c = new Checkpointer(file);
    c.thread.scheduleWithFixedDelay(c::checkpointIfChanged, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    return c;
  }

  private void checkpointIfChanged() {
    try {
      if (connection == null) {
        connection = Sqlite.checkpointer(file);
      }
      try (Statement s = connection.createStatement()) {
        long version;
        try (ResultSet r = s.executeQuery("PRAGMA data_version")) {
          version = r.next() ? r.getLong(1) : Long.MIN_VALUE;
        }
        if (version == dataVersion) {
          return;
        }
        dataVersion = version;
        try (ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
          r.next(); // busy, WAL frames, frames copied: a passive checkpoint copies what it can
        }
      }
      failing = false;
    } catch (SQLException | RuntimeException e) {
      if (!failing) {
        LOG.warn("Checkpointing {} failed (trying again every {} ms; the writer checkpoints past {} pages): {}",
            file, PERIOD_MS, WRITER_BACKSTOP_PAGES, e.toString());
      }
      failing = true;
      dataVersion = Long.MIN_VALUE;
      closeConnection();
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // closing anyway
      }
      connection = null;
    }
  }

  /** Whether the thread has its connection open (for tests). */
  boolean connected() {
    return connection != null;
  }

  /** Whether the thread has ended (for tests). */
  boolean stopped() {
    return thread.isTerminated();
  }

  /**
   * Stops the thread, waiting for a checkpoint under way, and closes the connection: after this
   * nothing of the checkpointer touches the file (a snapshot's install may replace it).
   */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("A checkpoint of {} did not end within 30 s of closing the store", file);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeConnection(); // the thread has ended: awaitTermination hands its connection over
  }
}
