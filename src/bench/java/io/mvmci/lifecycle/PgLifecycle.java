package io.mvmci.lifecycle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** The same two measurements on the PostgreSQL SKIP LOCKED queue, with workers in this process. */
final class PgLifecycle implements AutoCloseable {
  private final PgQueue queue;
  private final PgWorkers workers;
  private final List<Long> pids;

  /** @param pids PostgreSQL's postmaster (its backends are counted as its children) and this JVM */
  PgLifecycle(PgQueue queue, int w, int k, boolean notify, long pollMs, List<Long> pids) throws SQLException {
    this.queue = queue;
    this.workers = new PgWorkers(queue, w, k, notify, pollMs);
    this.pids = pids;
  }

  /** As {@link MvmciLifecycle#throughput}: n jobs in batches from {@code clients} connections. */
  Measurement throughput(int round, int n, int clients, int batch) throws Exception {
    long[] before = counts();
    workers.resetTracking();
    String load0 = Proc.loadavg();
    long cpu0 = Proc.cpuMillis(pids);
    ConcurrentLinkedQueue<Long> ids = new ConcurrentLinkedQueue<>();
    Round.Times times = Round.run(n, clients, batch, 1, "pg", () -> {
      Connection conn = queue.connect();
      return new Round.Client() {
        @Override
        public void submit(int index, int size) throws Exception {
          ids.addAll(PgQueue.insertBatch(conn, size));
        }

        @Override
        public void close() throws SQLException {
          conn.close();
        }
      };
    }, () -> {
      workers.check();
      return workers.completed();
    });
    long cpu = Proc.cpuMillis(pids) - cpu0;
    String load1 = Proc.loadavg();
    double seconds = times.seconds();
    List<String> problems = new ArrayList<>();
    long[] after = counts();
    if (after[0] - before[0] != n) {
      problems.add("completed+" + (after[0] - before[0]));
    }
    if (after[1] != 0) {
      problems.add("not_completed=" + after[1]);
    }
    if (after[2] - before[2] != 0) {
      problems.add("attempt_not_1+" + (after[2] - before[2]));
    }
    if (ids.size() != n || workers.ranCount() != n || workers.duplicates() != 0) {
      problems.add("inserted=" + ids.size() + ",ran=" + workers.ranCount() + ",ran_twice=" + workers.duplicates());
    }
    String detail = String.format(java.util.Locale.ROOT, "submit_s=%.2f,claims=%d,empty_claims=%d,refused=%d%s",
        times.submitSeconds(), workers.claims(), workers.emptyClaims(), workers.refused(),
        problems.isEmpty() ? "" : ",PROBLEMS=" + String.join("+", problems));
    return new Measurement("postgres", "throughput", round, n, seconds, n / seconds, 0, (double) cpu / n,
        load0, load1, problems.isEmpty(), detail);
  }

  /** Completed jobs, jobs not completed, completed jobs claimed more than once. */
  private long[] counts() throws SQLException {
    try (Connection c = queue.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
        SELECT count(*) FILTER (WHERE status = 'completed'),
               count(*) FILTER (WHERE status <> 'completed'),
               count(*) FILTER (WHERE status = 'completed' AND attempt <> 1)
        FROM jobs""")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
    }
  }

  /**
   * As {@link MvmciLifecycle#latency}: single inserts, one at a time; enqueue-to-start is
   * started_at - created_at, both {@code now()} of their transactions (the insert's and the claim's),
   * at microsecond precision.
   */
  Measurement latency(int round, int m, long gapMs) throws Exception {
    List<Double> lat = new ArrayList<>(m);
    List<Double> insertRtt = new ArrayList<>(m);
    String load0 = Proc.loadavg();
    long cpu0 = Proc.cpuMillis(pids);
    long t0 = System.nanoTime();
    int notOnce = 0;
    try (Connection c = queue.connect(); PreparedStatement read = c.prepareStatement("""
        SELECT status, attempt, extract(epoch FROM started_at - created_at) * 1000 FROM jobs WHERE id = ?""")) {
      for (int i = 0; i < m; i++) {
        long s0 = System.nanoTime();
        long id = PgQueue.insertOne(c);
        insertRtt.add((System.nanoTime() - s0) / 1e6);
        long deadline = System.nanoTime() + 30_000_000_000L;
        Thread.sleep(30);
        while (true) {
          read.setLong(1, id);
          try (ResultSet rs = read.executeQuery()) {
            rs.next();
            if (rs.getString(1).equals("completed")) {
              if (rs.getInt(2) != 1) {
                notOnce++;
              }
              lat.add(rs.getDouble(3));
              break;
            }
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("job " + id + " not completed after 30 s");
          }
          workers.check();
          Thread.sleep(10);
        }
        Thread.sleep(gapMs);
      }
    }
    long cpu = Proc.cpuMillis(pids) - cpu0;
    Percentiles p = new Percentiles(lat);
    Percentiles rtt = new Percentiles(insertRtt);
    String detail = String.format(java.util.Locale.ROOT, "max=%.2f,insert_rtt_p50=%.2f,insert_rtt_p99=%.2f%s",
        p.max(), rtt.at(50), rtt.at(99), notOnce == 0 ? "" : ",PROBLEMS=attempt_not_1=" + notOnce);
    return new Measurement("postgres", "latency", round, m, (System.nanoTime() - t0) / 1e9, p.at(50), p.at(99),
        (double) cpu / m, load0, Proc.loadavg(), notOnce == 0, detail);
  }

  @Override
  public void close() throws InterruptedException {
    workers.close();
  }
}
