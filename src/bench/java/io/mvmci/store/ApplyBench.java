package io.mvmci.store;

import io.mvmci.command.ClaimJobs;
import io.mvmci.command.CommandProcessor;
import io.mvmci.command.SeedModule;
import io.mvmci.command.Command;
import io.mvmci.command.CompleteJob;
import io.mvmci.command.Result;
import io.mvmci.command.SubmitJob;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The apply path alone, without Raft: one node's {@link CommandProcessor} applying the entries of
 * no-op job lifecycles to a real SQLite file, as the lifecycle benchmark's nodes do (entries of
 * {@code ENTRY} commands; submissions, claims of {@code CLAIM} jobs, one completion per job). Prints
 * the apply thread's CPU time per job and per phase, so a change to the schema or to the writers can
 * be judged in a minute instead of a cluster run.
 *
 * <p>With a third argument k, round k also takes a Raft snapshot's copy ({@link QueueStore#backupTo})
 * on another thread while it applies, and prints that copy's CPU time: a snapshot's cost to the
 * apply thread shows as that round's figures against the others.
 *
 * <p>usage: ApplyBench [jobs per round (50000)] [rounds (5)] [round with a snapshot copy (none)]
 */
public final class ApplyBench {
  private static final int ENTRY = 60;
  private static final int CLAIM = 32;

  private ApplyBench() {}

  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int snapshotRound = args.length > 2 ? Integer.parseInt(args[2]) : -1;
    Path dir = Files.createTempDirectory("apply-bench");
    var threads = ManagementFactory.getThreadMXBean();
    try (QueueStore store = QueueStore.open(dir.resolve("queue.db"), 1);
        CommandProcessor p = new CommandProcessor(store)) {
      long[] index = {p.appliedIndex() + 1};
      long at = 1_700_000_000_000L;
      byte[] noop = "noop".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      String sha = java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(noop));
      applyInEntries(p, index, List.of(new SeedModule(at, "noop", sha, noop))); // claims need a version
      for (int round = 0; round < rounds; round++) {
        List<Command> submits = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
          submits.add(new SubmitJob(at, "noop", "{}", null, 0, 0, 3, 60_000, null));
        }
        Thread copier = null;
        if (round + 1 == snapshotRound) {
          copier = new Thread(() -> {
            long c0 = threads.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            try {
              QueueStore.Position at0 = store.backupTo(dir.resolve("snapshot.db"));
              System.out.printf(Locale.ROOT, "  snapshot copy at index %d: %.0f ms, %.0f ms CPU, %d MB%n",
                  at0.index(), (System.nanoTime() - w0) / 1e6, (threads.getCurrentThreadCpuTime() - c0) / 1e6,
                  Files.size(dir.resolve("snapshot.db")) >> 20);
            } catch (Exception e) {
              e.printStackTrace();
            }
          }, "snapshot");
        }
        long t0 = threads.getCurrentThreadCpuTime();
        if (copier != null) {
          copier.start();
        }
        applyInEntries(p, index, submits);
        long t1 = threads.getCurrentThreadCpuTime();
        List<Result.ClaimedJob> claimed = new ArrayList<>();
        List<Command> claims = new ArrayList<>();
        for (int i = 0; i < jobs / CLAIM; i++) {
          claims.add(new ClaimJobs(at, "w" + (i % 3), CLAIM, 30_000));
        }
        for (Result r : applyInEntries(p, index, claims)) {
          claimed.addAll(((Result.Claimed) r).jobs());
        }
        long t2 = threads.getCurrentThreadCpuTime();
        List<Command> completes = new ArrayList<>();
        int w = 0;
        for (Result.ClaimedJob j : claimed) {
          completes.add(new CompleteJob(at + 5, "w" + (w++ / CLAIM % 3), j.ref(), "null"));
        }
        for (Result r : applyInEntries(p, index, completes)) {
          if (!(r instanceof Result.Done)) {
            throw new IllegalStateException("completion refused: " + r);
          }
        }
        long t3 = threads.getCurrentThreadCpuTime();
        if (copier != null) {
          copier.join();
        }
        System.out.printf(Locale.ROOT,
            "round %d: %d jobs (%d claimed), µs CPU per job: submit %.1f  claim %.1f  complete %.1f  total %.1f%n",
            round + 1, jobs, claimed.size(), us(t1 - t0, jobs), us(t2 - t1, jobs), us(t3 - t2, jobs),
            us(t3 - t0, jobs));
        at += 10_000;
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static List<Result> applyInEntries(CommandProcessor p, long[] index, List<Command> commands)
      throws Exception {
    List<Result> out = new ArrayList<>(commands.size());
    for (int from = 0; from < commands.size(); from += ENTRY) {
      out.addAll(p.apply(1, index[0]++, commands.subList(from, Math.min(commands.size(), from + ENTRY))));
    }
    return out;
  }

  private static double us(long nanos, int jobs) {
    return nanos / 1000.0 / jobs;
  }
}
