package io.mvmci.faults;

import static org.awaitility.Awaitility.await;

import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.CountingServer;
import io.mvmci.testing.DatabaseDump;
import io.mvmci.testing.Http;
import io.mvmci.testing.NodeProcess;
import io.mvmci.testing.ProcessCluster;
import io.mvmci.testing.WorkerProcess;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One fault-injection run: a cluster of node processes (each in its own network namespace when
 * {@link Network} can make them), one embedded worker per node and two remote worker processes, the
 * {@link Workload} against every node, the {@link Nemesis} until its budget of faults or time is
 * spent; then the faults stop, every job is let finish, the nodes are frozen at one applied index
 * and compared, and the {@link Checker} judges. {@link #report} prints the figures.
 */
final class FaultRun {
  /** A short lease, so a dead worker's job moves on within the run; longer than the election timeout. */
  static final String JOBS = "\n[jobs]\nlease_ms = 2000\nheartbeat_ms = 250\nreaper_interval_ms = 200\n";
  /** The nodes check their copies against each other every few seconds through the faults (Checker's "digests"). */
  static final String CHECKS = "\n[raft]\nconsistency_check_interval_ms = 5000\n";

  record Settings(long seed, int nodes, int faults, Duration budget, boolean netns) {
    /** From system properties: mvmci.faults.seed, .nodes (3), .count (faults; 0: by time), .seconds, .netns. */
    static Settings fromProperties(int defaultFaults, int defaultSeconds) {
      String seed = System.getProperty("mvmci.faults.seed", "");
      return new Settings(seed.isBlank() ? new Random().nextLong() & 0xffffffffL : Long.parseLong(seed),
          Integer.getInteger("mvmci.faults.nodes", 3), Integer.getInteger("mvmci.faults.count", defaultFaults),
          Duration.ofSeconds(Integer.getInteger("mvmci.faults.seconds", defaultSeconds)),
          !"false".equals(System.getProperty("mvmci.faults.netns")));
    }
  }

  record Result(Settings settings, List<Checker.Violation> violations, String report) {}

  static Result run(Settings s) throws Exception {
    System.out.println("fault injection: seed " + s.seed() + " (-Dmvmci.faults.seed=" + s.seed() + " repeats the "
        + "choices), " + s.nodes() + " nodes, " + (s.faults() > 0 ? s.faults() + " faults" : s.budget().toSeconds()
        + " s of faults"));
    Network network = null;
    String whyNot = "disabled by -Dmvmci.faults.netns=false";
    if (s.netns()) {
      try {
        network = Network.create(s.nodes());
      } catch (Network.Unavailable e) {
        whyNot = "no network namespaces here: " + e.getMessage();
        System.out.println("fault injection: partitions SKIPPED, " + whyNot);
      }
    }
    String gateway = network == null ? "127.0.0.1" : network.gateway();
    ProcessCluster.Placement placement = network == null ? ProcessCluster.Placement.LOOPBACK : network;
    String allow = "egress_allow = [\"" + gateway + "/32\"]\n";
    History history = new History();
    List<WorkerProcess> workers = new ArrayList<>();
    try (CountingServer web = new CountingServer(InetAddress.getByName(gateway));
         ProcessCluster cluster = ProcessCluster.start("faults", s.nodes(), 1, allow + JOBS + CHECKS, placement)) {
      try {
        return run(s, network, whyNot, gateway, cluster, web, history, workers);
      } catch (RuntimeException | Error e) {
        System.out.println("---- node logs:\n" + cluster.logs() + "\n---- kept: " + cluster.dir);
        cluster.keepOnClose();
        throw e;
      } finally {
        workers.forEach(WorkerProcess::destroy);
      }
    } finally {
      if (network != null) {
        network.close();
      }
    }
  }

  private static Result run(Settings s, Network network, String whyNot, String gateway, ProcessCluster cluster, CountingServer web,
      History history, List<WorkerProcess> workers) throws Exception {
    cluster.awaitLeader(cluster.nodes, ProcessCluster.START_DEADLINE);
    byte[] wasm = Files.readAllBytes(Path.of("workflows/testing/sequence/sequence.wasm"));
    Http.Reply deployed = Http.post(cluster.node(1).url("/api/v1/modules/sequence"), "application/wasm", wasm,
        "Authorization", "Bearer " + ClusterConfig.SECRET_API);
    if (deployed.status() != 201) {
      throw new IllegalStateException("deploying sequence: " + deployed.status() + " " + deployed.body());
    }
    Path workerDirs = cluster.dir.resolve("workers");
    AtomicInteger started = new AtomicInteger();
    String controlPlane = cluster.nodes.stream().map(n -> n.url("")).collect(Collectors.joining(","));
    java.util.function.Supplier<WorkerProcess> newWorker = () -> {
      String name = "rw-" + started.getAndIncrement();
      return WorkerProcess.start(workerDirs.resolve(name), Map.of("MVMCI_WORKER_EGRESS_ALLOW", gateway + "/32"),
          "--control-plane", controlPlane, "--token", ClusterConfig.SECRET_API, "--worker-id", name,
          "--capacity", "1", "--heartbeat-ms", "250", "--lease-ms", "2000");
    };
    workers.add(newWorker.get());
    workers.add(newWorker.get());
    Workload workload = new Workload(cluster.nodes, web, history, s.seed());
    Nemesis nemesis = new Nemesis(cluster, network, workers, newWorker, history, s.seed(), whyNot);
    nemesis.skipped.forEach(k -> System.out.println("fault injection: SKIPPED " + k));
    workload.start(4);
    long begin = System.nanoTime();
    Random gaps = new Random(s.seed() ^ 0x5eed);
    int done = 0;
    while (s.faults() > 0 ? done < s.faults() : Duration.ofNanos(System.nanoTime() - begin).compareTo(s.budget()) < 0) {
      Thread.sleep(500 + gaps.nextInt(2000)); // quiet time between faults: a random duration, not a synchronisation
      String kind = nemesis.next();
      done++;
      System.out.println("fault " + done + ": " + kind + " (" + history.now() / 1000 + " s)");
    }
    workload.stop();
    workload.settleUnanswered();
    long quiet = System.nanoTime();
    List<String> ids = List.copyOf(workload.ids.values());
    NodeProcess reader = cluster.node(1);
    try {
      await("every acknowledged job finishes").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions().until(() -> unfinished(reader, ids) == 0);
    } catch (org.awaitility.core.ConditionTimeoutException stuck) {
      System.out.println("fault injection: jobs still unfinished after 180 s; the checker names them");
    }
    long settleMs = Duration.ofNanos(System.nanoTime() - quiet).toMillis();
    List<Checker.NodeState> states = freezeAndDump(cluster, workers, history);
    Facts facts = Facts.read(cluster.dir.resolve("data1").resolve("db").resolve("queue.sqlite"));
    cluster.nodes.forEach(FaultRun::cont);
    Map<String, List<Long>> arrivals = new HashMap<>();
    workload.jobs.values().forEach(j -> j.paths().forEach(p -> arrivals.put(p, web.arrivals(p))));
    Checker checker = new Checker(history, workload.jobs, facts, states, arrivals);
    List<Checker.Violation> violations = checker.check();
    String report = report(s, nemesis, checker, violations, history, settleMs, facts.appliedIndex());
    if (!violations.isEmpty()) {
      // the evidence: each node's data directory and log, and the dumps the checker compared
      for (Checker.NodeState st : states) {
        Files.writeString(cluster.dir.resolve("dump-node" + st.node() + ".txt"), st.dump(), StandardCharsets.UTF_8);
      }
      cluster.keepOnClose();
      report += "\nkept for a post-mortem: " + cluster.dir + " (data and logs of every node, dump-node<N>.txt)";
      if (violations.stream().anyMatch(v -> v.rule().equals("identical"))) {
        report += "\n" + postMortem(cluster);
      }
    }
    System.out.println(report);
    return new Result(s, violations, report);
  }

  /**
   * For databases that differ: whether the nodes' Raft logs agree, and which node's database differs
   * from a replay of the log ({@link LogReplay}), with the nodes frozen meanwhile.
   */
  private static String postMortem(ProcessCluster cluster) {
    java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
    try (java.io.PrintStream out = new java.io.PrintStream(text, true, StandardCharsets.UTF_8)) {
      out.println("==== post-mortem: the logs and a replay of them (LogReplay)");
      try {
        for (NodeProcess n : cluster.nodes) {
          n.pause();
        }
        LogReplay.analyse(cluster.dir, out);
      } catch (Exception e) {
        e.printStackTrace(out);
      } finally {
        cluster.nodes.forEach(FaultRun::cont);
      }
    }
    return text.toString(StandardCharsets.UTF_8);
  }

  private static long unfinished(NodeProcess n, List<String> ids) {
    Map<String, String> status = new HashMap<>();
    for (var j : Http.get(n.url("/queue/list")).json()) {
      status.put(j.get("job_id").asString(), j.get("status").asString());
    }
    return ids.stream().filter(id -> !JobRegister.FINISHED.contains(status.get(id))).count();
  }

  /**
   * Brings the cluster to rest so that the nodes can be compared at one applied index: the remote
   * workers stop, every node is killed at once (a whole-cluster crash) and started again without its
   * embedded worker (whose heartbeats are writes), and once every node reports the same applied index
   * twice a second apart they are all frozen (SIGSTOP) and their databases dumped; again if one
   * moved meanwhile. The nodes stay frozen: the caller reads their files, then continues them.
   */
  private static List<Checker.NodeState> freezeAndDump(ProcessCluster cluster, List<WorkerProcess> workers,
      History history) throws Exception {
    workers.forEach(WorkerProcess::destroy);
    long start = history.now();
    for (NodeProcess n : cluster.nodes) {
      n.kill();
    }
    for (NodeProcess n : cluster.nodes) {
      // no embedded worker (its heartbeats are writes) and no periodic check: the index must come to rest
      Files.writeString(n.config, Files.readString(n.config).replace("embedded = 1", "embedded = 0")
          .replace("consistency_check_interval_ms = 5000", "consistency_check_interval_ms = 0"));
      n.start();
    }
    cluster.nodes.forEach(cluster::awaitUp);
    cluster.awaitLeader(cluster.nodes, ProcessCluster.START_DEADLINE);
    history.fault("final-whole-cluster-kill", "every node, restarted without workers", start);
    for (int tries = 0; ; tries++) {
      List<Long> previous = new ArrayList<>(List.of(-2L));
      await("every node applied the same index, twice").atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            List<Long> now = cluster.nodes.stream().map(n -> n.cluster().get("applied_index").asLong()).toList();
            boolean same = now.stream().distinct().count() == 1 && now.equals(previous);
            previous.clear();
            previous.addAll(now);
            return same;
          });
      for (NodeProcess n : cluster.nodes) {
        n.pause();
      }
      List<Checker.NodeState> states = new ArrayList<>();
      for (NodeProcess n : cluster.nodes) {
        Path db = cluster.dir.resolve("data" + n.id).resolve("db").resolve("queue.sqlite");
        states.add(new Checker.NodeState(n.id, Facts.read(db).appliedIndex(),
            new String(DatabaseDump.of(db), StandardCharsets.UTF_8)));
      }
      if (states.stream().map(Checker.NodeState::appliedIndex).distinct().count() == 1 || tries == 5) {
        return states;
      }
      cluster.nodes.forEach(FaultRun::cont);
    }
  }

  private static void cont(NodeProcess n) {
    try {
      n.resume();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String report(Settings s, Nemesis nemesis, Checker checker, List<Checker.Violation> violations,
      History history, long settleMs, long appliedIndex) {
    StringBuilder out = new StringBuilder("\n==== fault injection report\n");
    out.append("seed ").append(s.seed()).append(", ").append(s.nodes()).append(" nodes, ")
        .append(history.now() / 1000).append(" s\n");
    out.append("faults: ").append(nemesis.counts.values().stream().mapToInt(Integer::intValue).sum()).append(' ')
        .append(nemesis.counts).append('\n');
    nemesis.skipped.forEach(k -> out.append("skipped: ").append(k).append('\n'));
    out.append("operations: ").append(history.ops().size()).append(' ').append(checker.figures).append('\n');
    out.append("after the last fault every job finished within ").append(settleMs).append(" ms; nodes compared at "
        + "applied index ").append(appliedIndex).append('\n');
    out.append("violations: ").append(violations.size()).append('\n');
    violations.stream().limit(20).forEach(v -> out.append(v).append('\n'));
    return out.toString();
  }
}
