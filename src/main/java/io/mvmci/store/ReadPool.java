package io.mvmci.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of read-only connections. Hand-written rather than HikariCP: the connections are
 * opened once with read-only pragmas and never validated or replaced, and {@link #close()} must wait
 * for borrowed connections to come back, because the database file is swapped underneath when a
 * snapshot is installed.
 */
final class ReadPool implements AutoCloseable {
  private final BlockingQueue<Connection> idle;
  private final List<Connection> all = new ArrayList<>();
  /** Each connection's cached statements; filled before the pool is shared, then read only. */
  private final Map<Connection, Map<String, PreparedStatement>> statements = new IdentityHashMap<>();
  private volatile boolean closed;
  private final Path file;

  ReadPool(Path file, int size) throws SQLException {
    this.file = file;
    idle = new ArrayBlockingQueue<>(size);
    try {
      for (int i = 0; i < size; i++) {
        Connection c = Sqlite.reader(file);
        all.add(c);
        statements.put(c, new HashMap<>());
        idle.add(c);
      }
    } catch (SQLException e) {
      closeAll();
      throw e;
    }
  }

  /** The database file the connections read. */
  Path file() {
    return file;
  }

  interface Read<T> {
    T run(Connection c) throws SQLException;
  }

  <T> T read(Read<T> body) throws SQLException {
    Connection c = borrow();
    try {
      return body.run(c);
    } finally {
      idle.add(c);
    }
  }

  /**
   * The statement for {@code sql} on {@code c} (a connection borrowed in {@link #read}), prepared once
   * per connection and kept: not to be closed by the caller, who sets every parameter and closes the
   * result set. For the reads made once or more per job (a job by id, the next run time), where
   * SQLite's parse and plan of the statement cost more than running it (profiled at 64 concurrent
   * workflows: 60 % of a job read).
   */
  PreparedStatement statement(Connection c, String sql) throws SQLException {
    // the connection is the caller's alone until it returns to the queue, and so is its map
    Map<String, PreparedStatement> cache = statements.get(c);
    PreparedStatement ps = cache.get(sql);
    if (ps == null) {
      ps = c.prepareStatement(sql);
      cache.put(sql, ps);
    }
    return ps;
  }

  private Connection borrow() throws SQLException {
    try {
      while (true) {
        if (closed) {
          throw new StoreUnavailableException("the queue database is being replaced; retry");
        }
        Connection c = idle.poll(100, TimeUnit.MILLISECONDS);
        if (c != null) {
          if (closed) {
            idle.add(c);
            continue;
          }
          return c;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted waiting for a read connection", e);
    }
  }

  /** Refuses new reads, waits (bounded) for reads in progress, then closes every connection. */
  @Override
  public void close() {
    closed = true;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (idle.size() < all.size() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    closeAll();
  }

  private void closeAll() {
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing
      }
    }
  }
}
