package io.mvmci.replication;

import static org.awaitility.Awaitility.await;

import io.mvmci.command.AppendSteps;
import io.mvmci.command.ClaimJobs;
import io.mvmci.command.Command;
import io.mvmci.command.JobRef;
import io.mvmci.command.Result;
import io.mvmci.command.SubmitJob;
import io.mvmci.testing.StoreFixture;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
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
 * <p>Two kinds of commit, each round measuring both in turn: {@code submit}, a job's submission, and
 * {@code step}, a step appended to one claimed job's history, as a run appends them.
 *
 * <p>usage: CommitBench [commits per round (3000)] [rounds (5)] [group sizes, comma-separated (1,3)]
 * [kinds, comma-separated (submit,step)]
 */
public final class CommitBench {
  private CommitBench() {}

  public static void main(String[] args) throws Exception {
    int commits = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String sizes = args.length > 2 ? args[2] : "1,3";
    List<String> kinds = List.of((args.length > 3 ? args[3] : "submit,step").split(","));
    System.out.printf(Locale.ROOT, "%d cores; %s%n", Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getRuntimeMXBean().getInputArguments());
    for (String size : sizes.split(",")) {
      measure(Integer.parseInt(size.trim()), commits, rounds, kinds);
    }
  }

  private static void measure(int size, int commits, int rounds, List<String> kinds) throws Exception {
    Path dir = Files.createTempDirectory("commit-bench");
    // one segment for the whole run, and no purge: a log roll is not what is measured
    Map<String, String> keys = Map.of("raft.server.log.segment.size.max", "256MB",
        "raft.server.log.purge.gap", "100000000");
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (RaftCluster c = new RaftCluster(dir, size, 100_000_000).withRatis(keys).startAll()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> c.leader().isPresent());
      RaftNode leader = c.leader().orElseThrow();
      System.out.printf(Locale.ROOT, "%d node%s, leader n%d%n", size, size == 1 ? "" : "s", leader.selfId());
      Steps steps = kinds.contains("step") ? Steps.claim(leader) : null;
      for (int round = 1; round <= rounds; round++) {
        for (String kind : kinds) {
          Map<String, Long> threads0 = threadCpu();
          long cpu0 = os.getProcessCpuTime();
          long wall0 = System.nanoTime();
          long[] took = new long[commits];
          for (int i = 0; i < commits; i++) {
            Command command = kind.equals("step") ? steps.next()
                : ReplicatedQueueTest.job("https://example.com/" + round + "/" + i);
            long t0 = System.nanoTime();
            Result r = leader.submit(command).get(10, TimeUnit.SECONDS);
            took[i] = System.nanoTime() - t0;
            if (r instanceof Result.Rejected rejected) {
              throw new IllegalStateException(kind + " refused: " + rejected);
            }
          }
          double wall = (System.nanoTime() - wall0) / 1e6;
          double cpu = (os.getProcessCpuTime() - cpu0) / 1e6;
          Arrays.sort(took);
          System.out.printf(Locale.ROOT,
              "  round %d, %-6s: p50 %.3f  p90 %.3f  p99 %.3f ms; CPU %.3f ms a commit (%.2f cores busy)%n",
              round, kind, took[commits / 2] / 1e6, took[commits * 9 / 10] / 1e6, took[commits * 99 / 100] / 1e6,
              cpu / commits, cpu / wall);
          if (round == rounds) {
            printTop(threads0, threadCpu(), commits, cpu);
          }
        }
      }
    } finally {
      FileSystemUtils.deleteRecursively(dir);
    }
  }

  /** One claimed job's history, a step at a time, as its run appends it. */
  private static final class Steps {
    private static final long T = 1_700_000_000_000L;
    private final JobRef job;
    private int seq;

    private Steps(JobRef job) {
      this.job = job;
    }

    static Steps claim(RaftNode leader) throws Exception {
      for (Command seed : StoreFixture.seedModules(0)) {
        leader.submit(seed).get(10, TimeUnit.SECONDS);
      }
      leader.submit(new SubmitJob(T, "noop", "{}", null, 0, 0, 3, 60_000, null)).get(10, TimeUnit.SECONDS);
      Result.Claimed claimed = (Result.Claimed) leader.submit(new ClaimJobs(T + 1, "bench", 1, 86_400_000))
          .get(10, TimeUnit.SECONDS);
      return new Steps(claimed.jobs().get(0).ref());
    }

    AppendSteps next() {
      int n = seq++;
      return new AppendSteps(T + n, "bench", job, List.of(new AppendSteps.Write(n, "now_ms", new byte[32],
          "now_ms", 0, 0, new byte[8], true)), new AppendSteps.Limits(1 << 20, Long.MAX_VALUE, Integer.MAX_VALUE));
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
