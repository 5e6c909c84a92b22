package io.mvmci.replication;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.util.FileSystemUtils;

/**
 * One Raft commit alone: sequential submissions on the leader of a group of {@link RaftNode}s (Ratis,
 * the queue's state machine, SQLite files, mutual TLS on loopback) in this JVM, with no HTTP and no
 * worker. Each submission waits for the one before, as a run's steps do, so the figure is the floor
 * under a step and under a lone client's write. Prints per round the latency (p50, p90, p99), the
 * process's CPU time per commit (every member's threads: on a machine with few cores, the latency
 * cannot be lower than that CPU time spread over the cores), and the threads that used the most.
 *
 * <p>usage: CommitBench [commits per round (3000)] [rounds (5)] [group sizes, comma-separated (1,3)]
 */
public final class CommitBench {
  private CommitBench() {}

  public static void main(String[] args) throws Exception {
    int commits = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String sizes = args.length > 2 ? args[2] : "1,3";
    System.out.printf(Locale.ROOT, "%d cores; %s%n", Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getRuntimeMXBean().getInputArguments());
    for (String size : sizes.split(",")) {
      measure(Integer.parseInt(size.trim()), commits, rounds);
    }
  }

  private static void measure(int size, int commits, int rounds) throws Exception {
    Path dir = Files.createTempDirectory("commit-bench");
    // one segment for the whole run, and no purge: a log roll is not what is measured
    Map<String, String> keys = Map.of("raft.server.log.segment.size.max", "256MB",
        "raft.server.log.purge.gap", "100000000");
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (RaftCluster c = new RaftCluster(dir, size, 100_000_000).withRatis(keys).startAll()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> c.leader().isPresent());
      RaftNode leader = c.leader().orElseThrow();
      System.out.printf(Locale.ROOT, "%d node%s, leader n%d%n", size, size == 1 ? "" : "s", leader.selfId());
      for (int round = 1; round <= rounds; round++) {
        Map<String, Long> threads0 = threadCpu();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        long[] took = new long[commits];
        for (int i = 0; i < commits; i++) {
          long t0 = System.nanoTime();
          leader.submit(ReplicatedQueueTest.job("https://example.com/" + round + "/" + i)).get(10, TimeUnit.SECONDS);
          took[i] = System.nanoTime() - t0;
        }
        double wall = (System.nanoTime() - wall0) / 1e6;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e6;
        Arrays.sort(took);
        System.out.printf(Locale.ROOT,
            "  round %d: p50 %.3f  p90 %.3f  p99 %.3f ms; CPU %.3f ms a commit (%.2f cores busy)%n", round,
            took[commits / 2] / 1e6, took[commits * 9 / 10] / 1e6, took[commits * 99 / 100] / 1e6,
            cpu / commits, cpu / wall);
        if (round == rounds) {
          printTop(threads0, threadCpu(), commits, cpu);
        }
      }
    } finally {
      FileSystemUtils.deleteRecursively(dir);
    }
  }

  /** CPU nanoseconds of each live thread, by name with its numbers blanked, so pools add up. */
  private static Map<String, Long> threadCpu() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new HashMap<>();
    for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = mx.getThreadCpuTime(info.getThreadId());
      if (cpu > 0) {
        out.merge(info.getThreadName().replaceAll("[0-9A-F]{6,}", "*").replaceAll("\\d+", "N"), cpu, Long::sum);
      }
    }
    return out;
  }

  /** The last round's busiest thread groups, per commit (threads that ended during the round are missed). */
  private static void printTop(Map<String, Long> before, Map<String, Long> after, int commits, double cpuMs) {
    Map<String, Long> used = new HashMap<>();
    after.forEach((name, ns) -> used.put(name, ns - before.getOrDefault(name, 0L)));
    System.out.println("  last round, CPU by thread (µs a commit, % of the process):");
    used.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
        .forEach(e -> System.out.printf(Locale.ROOT, "    %7.1f  %4.1f%%  %s%n", e.getValue() / 1e3 / commits,
            100 * e.getValue() / 1e6 / cpuMs, e.getKey()));
  }
}
