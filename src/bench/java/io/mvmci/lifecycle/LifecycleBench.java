package io.mvmci.lifecycle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Job lifecycle benchmark: a three-node mvm-ci cluster against a PostgreSQL SKIP LOCKED queue, measured
 * in one run. Started by scripts/bench-lifecycle.sh, which starts both systems and passes their
 * addresses and process ids; this warms both up, measures lifecycle throughput in alternating rounds,
 * then enqueue-to-start latency on the idle systems, and prints one table. Every measurement is also
 * printed as a RESULT line.
 *
 * <p>Arguments ({@code --name=value}): nodes, node-pids, pg-url, pg-pid, pg-schema (required); jobs,
 * rounds, clients, batch, latency-jobs, latency-gap-ms, pg-workers, pg-claim, pg-wait (notify|poll),
 * pg-poll-ms, warmup-jobs, warmup-s, warmup-max-s, jit-settled, settled-runs, poll-ms, systems (mvmci,postgres).
 */
public final class LifecycleBench {
  private final Map<String, String> args;

  private LifecycleBench(Map<String, String> args) {
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String s : argv) {
      if (!s.startsWith("--") || !s.contains("=")) {
        throw new IllegalArgumentException("arguments are --name=value, not " + s);
      }
      a.put(s.substring(2, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
    }
    new LifecycleBench(a).run();
    System.exit(0);
  }

  private String str(String name, String dflt) {
    String v = args.get(name);
    if (v == null && dflt == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v == null ? dflt : v;
  }

  private int num(String name, int dflt) {
    return Integer.parseInt(str(name, String.valueOf(dflt)));
  }

  private static List<Long> pids(String csv) {
    return Arrays.stream(csv.split(",")).filter(s -> !s.isBlank()).map(Long::parseLong).toList();
  }

  private void run() throws Exception {
    int n = num("jobs", 50_000);
    int rounds = num("rounds", 3);
    int clients = num("clients", 3);
    int batch = num("batch", 1000);
    int latencyJobs = num("latency-jobs", 300);
    long gapMs = num("latency-gap-ms", 50);
    int warmupJobs = num("warmup-jobs", 10_000);
    long pollMs = num("poll-ms", 20);
    List<String> systems = List.of(str("systems", "mvmci,postgres").split(","));
    boolean doMvmci = systems.contains("mvmci");
    boolean doPg = systems.contains("postgres");
    List<Long> nodePids = doMvmci ? pids(str("node-pids", null)) : List.of();
    long self = ProcessHandle.current().pid();

    MvmciLifecycle mvm = null;
    if (doMvmci) {
      mvm = new MvmciLifecycle(new MvmciClient(List.of(str("nodes", null).split(","))), nodePids);
    }
    PgLifecycle pg = null;
    int pgWorkers = num("pg-workers", 8);
    int pgClaim = num("pg-claim", 32);
    String pgWait = str("pg-wait", "notify");
    if (doPg) {
      PgQueue q = new PgQueue(str("pg-url", null));
      q.createSchema(Path.of(str("pg-schema", null)));
      List<Long> pgPids = new ArrayList<>(pids(str("pg-pid", null)));
      pgPids.add(self);
      pg = new PgLifecycle(q, pgWorkers, pgClaim, pgWait.equals("notify"), num("pg-poll-ms", 50), pgPids);
    }

    // Every server process of both systems (not this harness): a round starts once they are quiet.
    List<Long> servers = new ArrayList<>(nodePids);
    if (doPg) {
      servers.addAll(pids(str("pg-pid", null)));
    }
    List<Measurement> results = new ArrayList<>();
    if (doMvmci) {
      warmUpMvmci(mvm, nodePids, warmupJobs, clients, batch, pollMs);
    }
    if (doPg) {
      log("warming up PostgreSQL and the worker harness: 3 runs of " + warmupJobs + " jobs, 30 single jobs");
      for (int i = 0; i < 3; i++) {
        log("  " + pg.throughput(0, warmupJobs, clients, batch).line());
      }
      pg.latency(0, 30, gapMs);
    }
    for (int r = 1; r <= rounds; r++) {
      // alternate which system goes first, so a drift of the machine's load does not favour one
      boolean mvmFirst = r % 2 == 1;
      for (int turn = 0; turn < 2; turn++) {
        if (turn == 0 == mvmFirst && doMvmci) {
          log("round " + r + ": mvm-ci lifecycle, " + n + " jobs");
          quiesce(servers);
          results.add(report(mvm.throughput(r, n, clients, batch, pollMs)));
        } else if (turn == 0 != mvmFirst && doPg) {
          log("round " + r + ": PostgreSQL lifecycle, " + n + " jobs");
          quiesce(servers);
          results.add(report(pg.throughput(r, n, clients, batch)));
        }
      }
    }
    if (latencyJobs > 0) {
      if (doMvmci) {
        log("mvm-ci enqueue-to-start: " + latencyJobs + " single jobs, " + gapMs + " ms apart");
        results.add(report(mvm.latency(1, latencyJobs, gapMs)));
      }
      if (doPg) {
        log("PostgreSQL enqueue-to-start: " + latencyJobs + " single jobs, " + gapMs + " ms apart");
        results.add(report(pg.latency(1, latencyJobs, gapMs)));
      }
    }
    if (pg != null) {
      pg.close();
    }
    table(results, n, clients, batch, pgWorkers, pgClaim, pgWait);
    if (results.stream().anyMatch(m -> !m.exact())) {
      System.out.println("FAILED: a measurement found jobs not completed exactly once (see PROBLEMS above)");
      System.exit(1);
    }
  }

  /**
   * Waits until the servers of both systems are quiet (under {@link #QUIET_MS_PER_S} of CPU a second,
   * at most 60 s): what one system does after its round (PostgreSQL's autovacuum and checkpoints,
   * the nodes' snapshots and journal batches) must not run inside the other's round.
   */
  static void quiesce(List<Long> servers) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long used = Long.MAX_VALUE;
    Thread.sleep(1_000);
    while (System.nanoTime() < deadline) {
      long before = Proc.cpuMillis(servers);
      Thread.sleep(1_000);
      used = Proc.cpuMillis(servers) - before;
      if (used < QUIET_MS_PER_S) {
        return;
      }
    }
    log("  the servers did not quieten (" + used + " ms of CPU in the last second); measuring anyway");
  }

  /** CPU per second under which the servers count as quiet: idle nodes beat and reap, that is all. */
  static final long QUIET_MS_PER_S = 150;

  /**
   * Lifecycle rounds until at least warmup-s passed and the nodes' JIT compilers have been quiet in
   * settled-runs rounds in a row: one quiet round is noise, and bench-steps.sh found its nodes still
   * getting faster after one.
   */
  private void warmUpMvmci(MvmciLifecycle mvm, List<Long> pids, int jobs, int clients, int batch, long pollMs)
      throws Exception {
    long minS = num("warmup-s", 30);
    long maxS = num("warmup-max-s", 240);
    long settled = num("jit-settled", 60);
    long settledRuns = num("settled-runs", 3);
    log("warming up mvm-ci: lifecycle runs of " + jobs + " jobs for at least " + minS
        + " s, until the nodes' JIT compilers use under " + settled + " ms/s in " + settledRuns
        + " runs in a row (at most " + maxS + " s)");
    long start = System.nanoTime();
    long quietRuns = 0;
    while (true) {
      long j0 = Proc.jitMillis(pids);
      long t0 = System.nanoTime();
      Measurement m = mvm.throughput(0, jobs, clients, batch, pollMs);
      long jit = (Proc.jitMillis(pids) - j0) * 1000 / Math.max(1, (System.nanoTime() - t0) / 1_000_000);
      double elapsed = (System.nanoTime() - start) / 1e9;
      log(String.format(Locale.ROOT, "  %.0f s: %.0f jobs/s, JIT %d ms/s%s", elapsed, m.value(), jit,
          m.exact() ? "" : " " + m.detail()));
      if (!m.exact()) {
        throw new IllegalStateException("warm-up run was not exact: " + m.detail());
      }
      quietRuns = jit < settled ? quietRuns + 1 : 0;
      if (elapsed >= minS && quietRuns >= settledRuns) {
        break;
      }
      if (elapsed >= maxS) {
        log("  the JIT has not settled; measuring anyway");
        break;
      }
    }
    mvm.latency(0, 30, 20);
  }

  private static Measurement report(Measurement m) {
    System.out.println(m.line());
    return m;
  }

  private static void table(List<Measurement> rs, int n, int clients, int batch, int w, int k, String wait) {
    Measurement mt = median(rs, "mvmci", "throughput");
    Measurement pt = median(rs, "postgres", "throughput");
    Measurement ml = pick(rs, "mvmci", "latency");
    Measurement pl = pick(rs, "postgres", "latency");
    System.out.println();
    System.out.printf(Locale.ROOT, "lifecycle: %d no-op jobs per round, %d clients, batches of %d; median of the"
        + " rounds; PostgreSQL: %d workers claiming up to %d, idle workers wait by %s%n", n, clients, batch,
        w, k, wait.equals("notify") ? "LISTEN/NOTIFY" : "polling");
    System.out.println("metric                              | mvm-ci     | PostgreSQL queue | ratio (mvm-ci / PostgreSQL)");
    row("lifecycle throughput, jobs/s", mt == null ? null : mt.value(), pt == null ? null : pt.value(), "%.0f");
    row("  CPU ms per job (servers+workers)", mt == null ? null : mt.cpuMsPerJob(),
        pt == null ? null : pt.cpuMsPerJob(), "%.3f");
    row("enqueue-to-start p50, ms", ml == null ? null : ml.value(), pl == null ? null : pl.value(), "%.2f");
    row("enqueue-to-start p99, ms", ml == null ? null : ml.p99(), pl == null ? null : pl.p99(), "%.2f");
    System.out.println("each throughput round: " + rs.stream().filter(m -> m.kind().equals("throughput"))
        .map(m -> String.format(Locale.ROOT, "%s r%d %.0f/s (load %s)", m.system(), m.round(), m.value(),
            m.loadAfter())).toList());
  }

  private static void row(String name, Double a, Double b, String fmt) {
    String sa = a == null ? "-" : String.format(Locale.ROOT, fmt, a);
    String sb = b == null ? "-" : String.format(Locale.ROOT, fmt, b);
    String ratio = a == null || b == null || b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    System.out.printf(Locale.ROOT, "%-35s | %-10s | %-16s | %s%n", name, sa, sb, ratio);
  }

  private static Measurement median(List<Measurement> rs, String system, String kind) {
    List<Measurement> l = new ArrayList<>(rs.stream()
        .filter(m -> m.system().equals(system) && m.kind().equals(kind)).toList());
    if (l.isEmpty()) {
      return null;
    }
    l.sort((x, y) -> Double.compare(x.value(), y.value()));
    return l.get((l.size() - 1) / 2);
  }

  private static Measurement pick(List<Measurement> rs, String system, String kind) {
    return rs.stream().filter(m -> m.system().equals(system) && m.kind().equals(kind)).findFirst().orElse(null);
  }

  static void log(String s) {
    System.err.printf("[%tT] %s%n", System.currentTimeMillis(), s);
  }
}
