package io.mvmci.store;

import io.mvmci.command.ClaimJobs;
import io.mvmci.command.Command;
import io.mvmci.command.CommandProcessor;
import io.mvmci.command.JobOptions;
import io.mvmci.command.Result;
import io.mvmci.command.SeedModule;
import io.mvmci.command.SubmitJob;
import io.mvmci.job.ConcurrencyPolicy;
import io.mvmci.job.Dispatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The cost of a claim with worker labels: {@code jobs} Pending jobs (10^5 by default) spread over 20
 * label sets drawn from 8 labels, in one real SQLite file, applied through the real
 * {@link CommandProcessor} without Raft. Then workers of four kinds claim one job at a time, each
 * claim its own entry: a worker whose labels cover 1 set, 5 sets, all 20, and one whose labels cover
 * none (it must answer "nothing" without visiting the 10^5 jobs). Prints each kind's apply time per
 * claim (p50, p99, mean) and the jobs it got.
 *
 * <p>usage: ClaimBench [pending jobs (100000)] [claims per worker kind (2000)]
 */
public final class ClaimBench {
  static final List<String> POOL = List.of("gpu", "arm64", "x86", "linux", "macos", "big-mem", "ssd", "eu");

  private ClaimBench() {}

  /** The 20 label sets: every pair from the first 5 labels (10), then 10 triples. */
  static List<List<String>> sets() {
    List<List<String>> out = new ArrayList<>();
    for (int a = 0; a < 5; a++) {
      for (int b = a + 1; b < 5; b++) {
        out.add(List.of(POOL.get(a), POOL.get(b)));
      }
    }
    for (int i = 0; out.size() < 20; i++) {
      out.add(List.of(POOL.get(i % 8), POOL.get((i + 3) % 8), POOL.get((i + 5) % 8)));
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int claims = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    Path dir = Files.createTempDirectory("claim-bench");
    List<List<String>> sets = sets();
    try (QueueStore store = QueueStore.open(dir.resolve("queue.db"), 1);
        CommandProcessor p = new CommandProcessor(store)) {
      long[] index = {p.appliedIndex() + 1};
      long at = 1_700_000_000_000L;
      byte[] noop = "noop".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(noop));
      p.apply(1, index[0]++, List.of(new SeedModule(at, "noop", sha, noop)));
      List<Command> batch = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < jobs; i++) {
        Dispatch d = new Dispatch(sets.get(i % sets.size()), null, 1, ConcurrencyPolicy.QUEUE);
        batch.add(new SubmitJob(at, "noop", "{}", null, i % 7, 0, 3, 60_000, null, JobOptions.NONE.withDispatch(d)));
        if (batch.size() == 200) {
          p.apply(1, index[0]++, batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        p.apply(1, index[0]++, batch);
      }
      System.out.printf(Locale.ROOT, "%d Pending jobs over %d label sets submitted in %.1f s%n", jobs, sets.size(),
          (System.nanoTime() - t0) / 1e9);
      List<String> one = sets.get(0);                                        // covers set 0 only
      List<String> five = List.of("gpu", "arm64", "x86", "linux");          // covers the pairs of these 4, and more
      List<String> all = POOL;                                               // covers all 20
      List<String> none = List.of("windows", "fpga");                        // covers none
      for (int round = 0; round < 2; round++) {                              // round 0 warms up the JIT
        for (List<String> labels : List.of(one, five, all, none)) {
          measure(p, index, at + 1 + round, labels, round == 0 ? claims / 4 : claims, round == 1);
        }
      }
    }
  }

  private static void measure(CommandProcessor p, long[] index, long at, List<String> labels, int claims,
      boolean print) throws Exception {
    long[] ns = new long[claims];
    int got = 0;
    for (int i = 0; i < claims; i++) {
      long t = System.nanoTime();
      List<Result> r = p.apply(1, index[0]++, List.of(new ClaimJobs(at, "w", 1, 60_000, labels)));
      ns[i] = System.nanoTime() - t;
      got += ((Result.Claimed) r.get(0)).jobs().size();
    }
    if (print) {
      long[] sorted = ns.clone();
      Arrays.sort(sorted);
      System.out.printf(Locale.ROOT, "worker labels %-32s claims %5d (jobs got %5d): p50 %7.1f us, p99 %7.1f us,"
          + " mean %7.1f us per claim entry%n", labels, claims, got, sorted[claims / 2] / 1e3,
          sorted[(int) (claims * 0.99)] / 1e3, Arrays.stream(ns).average().orElse(0) / 1e3);
    }
  }
}
