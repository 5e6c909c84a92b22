package io.mvmci.lifecycle;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.postgresql.PGConnection;

/**
 * W worker threads on W connections: claim up to k jobs, run each (a no-op), complete them in one
 * statement under their claims. Idle workers wait by LISTEN/NOTIFY (woken by the insert trigger's
 * notification) or by polling every {@code pollMs}.
 */
final class PgWorkers implements AutoCloseable {
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong claims = new AtomicLong();
  private final AtomicLong emptyClaims = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final ConcurrentHashMap<Long, Boolean> ran = new ConcurrentHashMap<>();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean stopping;
  private volatile boolean track = true;

  PgWorkers(PgQueue queue, int workers, int k, boolean notify, long pollMs) throws SQLException {
    for (int i = 0; i < workers; i++) {
      PgQueue.Worker w = new PgQueue.Worker(queue.connect(), "w" + i);
      if (notify) {
        try (var s = w.c.createStatement()) {
          s.execute("LISTEN jobs");
        }
      }
      Thread t = new Thread(() -> loop(w, k, notify, pollMs), "pg-worker-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  private void loop(PgQueue.Worker w, int k, boolean notify, long pollMs) {
    PGConnection pg;
    try (w) {
      pg = w.c.unwrap(PGConnection.class);
      while (!stopping) {
        List<PgQueue.Claimed> jobs = w.claim(k);
        claims.incrementAndGet();
        if (jobs.isEmpty()) {
          emptyClaims.incrementAndGet();
          if (notify) {
            pg.getNotifications(200);  // returns at once if one arrived since the claim began
          } else {
            Thread.sleep(pollMs);
          }
          continue;
        }
        for (PgQueue.Claimed j : jobs) {
          run(j);
        }
        int accepted = w.complete(jobs);
        refused.addAndGet(jobs.size() - accepted);
        completed.addAndGet(accepted);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      if (!stopping) {
        failure.compareAndSet(null, e);
      }
    }
  }

  /** The no-op "workflow"; records that the job ran, to count any that ran twice. */
  private void run(PgQueue.Claimed j) {
    if (track && ran.putIfAbsent(j.id(), Boolean.TRUE) != null) {
      duplicates.incrementAndGet();
    }
  }

  long completed() {
    return completed.get();
  }

  long claims() {
    return claims.get();
  }

  long emptyClaims() {
    return emptyClaims.get();
  }

  long refused() {
    return refused.get();
  }

  long duplicates() {
    return duplicates.get();
  }

  /** Jobs run at least once since the last reset. */
  int ranCount() {
    return ran.size();
  }

  void resetTracking() {
    ran.clear();
    duplicates.set(0);
  }

  void check() {
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("a PostgreSQL worker failed: " + t, t);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    for (Thread t : threads) {
      t.join(5_000);
    }
  }
}
