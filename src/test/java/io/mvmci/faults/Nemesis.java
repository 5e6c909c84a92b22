package io.mvmci.faults;

import io.mvmci.testing.NodeProcess;
import io.mvmci.testing.ProcessCluster;
import io.mvmci.testing.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Injects one fault at a time, chosen with a seeded {@link Random}, heals it, and waits until the
 * cluster has an agreed leader again before the next. Kinds: a node killed (SIGKILL) and restarted;
 * a node or the leader paused (SIGSTOP) past the lease and the election timeout, then continued; a
 * remote worker killed and replaced; and, with a {@link Network}, partitions: a minority isolated,
 * the leader isolated, and a bridge (one node sees both halves, which cannot see each other).
 */
final class Nemesis {
  /** Longer than the lease (2 s) and the election timeout (at most 1 s). */
  static final long PAUSE_MIN_MS = 3_000;
  static final Duration RECOVERY = Duration.ofSeconds(150);

  private final ProcessCluster cluster;
  private final Network network;
  private final List<WorkerProcess> workers;
  private final Supplier<WorkerProcess> newWorker;
  private final History history;
  private final Random random;
  private final List<String> kinds = new ArrayList<>();
  final Map<String, Integer> counts = new TreeMap<>();
  final List<String> skipped = new ArrayList<>();

  Nemesis(ProcessCluster cluster, Network network, List<WorkerProcess> workers, Supplier<WorkerProcess> newWorker,
      History history, long seed, String networkWhyNot) {
    this.cluster = cluster;
    this.network = network;
    this.workers = workers;
    this.newWorker = newWorker;
    this.history = history;
    this.random = new Random(seed);
    kinds.addAll(List.of("kill-restart", "pause-node", "pause-leader", "worker-kill"));
    if (network != null) {
      kinds.addAll(List.of("partition-minority", "partition-leader", "partition-bridge"));
    } else {
      skipped.add("partitions (minority, leader, bridge): " + networkWhyNot);
    }
    skipped.add("slow disk: no device-mapper here (/dev/mapper absent, so no dm-delay target) and no FUSE "
        + "tools (fusermount/libfuse) for a delaying FUSE layer");
  }

  /** Injects one fault, heals it, and waits for an agreed leader; returns its kind. */
  String next() throws Exception {
    String kind = kinds.get(random.nextInt(kinds.size()));
    List<NodeProcess> nodes = cluster.nodes;
    long start = history.now();
    String target;
    switch (kind) {
      case "kill-restart" -> {
        NodeProcess n = nodes.get(random.nextInt(nodes.size()));
        target = "node " + n.id;
        n.kill();
        Thread.sleep(random.nextInt(3000)); // how long it stays down: a random duration, not a synchronisation
        n.start();
        history.fault(kind, target, start);
        cluster.awaitUp(n);
      }
      case "pause-node", "pause-leader" -> {
        NodeProcess n = kind.equals("pause-leader") ? leader() : nodes.get(random.nextInt(nodes.size()));
        target = "node " + n.id;
        n.pause();
        Thread.sleep(PAUSE_MIN_MS + random.nextInt(3000));
        n.resume();
        history.fault(kind, target, start);
      }
      case "worker-kill" -> {
        int i = random.nextInt(workers.size());
        target = "remote worker " + i;
        workers.get(i).kill();
        workers.set(i, newWorker.get());
        history.fault(kind, target, start);
      }
      default -> {
        List<Integer> a = new ArrayList<>();
        List<Integer> b = new ArrayList<>();
        int size = nodes.size();
        List<Integer> ids = new ArrayList<>(nodes.stream().map(n -> n.id).toList());
        java.util.Collections.shuffle(ids, random);
        switch (kind) {
          case "partition-minority" -> {
            a.addAll(ids.subList(0, (size - 1) / 2));
            b.addAll(ids.subList((size - 1) / 2, size));
          }
          case "partition-leader" -> {
            int l = leader().id;
            a.add(l);
            ids.stream().filter(id -> id != l).forEach(b::add);
          }
          default -> { // bridge: ids[0] sees both halves; the halves do not see each other
            a.addAll(ids.subList(1, 1 + (size - 1) / 2));
            b.addAll(ids.subList(1 + (size - 1) / 2, size));
          }
        }
        network.cut(a, b);
        target = a + " | " + b + (kind.equals("partition-bridge") ? " (bridge: node " + ids.get(0) + ")" : "");
        Thread.sleep(3_000 + random.nextInt(5000));
        network.heal();
        history.fault(kind, target, start);
      }
    }
    counts.merge(kind, 1, Integer::sum);
    try {
      cluster.awaitLeader(nodes, RECOVERY);
    } catch (RuntimeException | AssertionError e) {
      history.fault("NO-RECOVERY", "no agreed leader within " + RECOVERY.toSeconds() + " s after " + kind + " "
          + target, history.now());
      throw e;
    }
    return kind;
  }

  private NodeProcess leader() {
    return cluster.awaitLeader(cluster.nodes, RECOVERY);
  }
}
