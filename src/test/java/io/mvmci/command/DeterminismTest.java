package io.mvmci.command;

import io.mvmci.testing.StoreFixture;
import io.mvmci.testing.DatabaseDump;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apply is deterministic: one sequence of log entries applied to two fresh databases leaves them
 * byte-identical, whatever the wall clock, thread or machine says while it runs.
 */
public class DeterminismTest {
  @TempDir Path dir;

  /**
   * A varied sequence of entries, the same every time for a given seed: submissions (some delayed,
   * some with repeated idempotency keys), claims, heartbeats, progress, completions, failures,
   * hand-backs, cancellations and lease expiry, including commands under stale claims; and schedules
   * (put, replace, pause, resume, fires of every kind with each overlap policy, stale fires, a delete).
   */
  public static List<List<Command>> entries(long seed) {
    Random r = new Random(seed);
    List<List<Command>> out = new ArrayList<>();
    List<JobRef> refs = new ArrayList<>();
    long t = 1_700_000_000_000L;
    int jobs = 0;
    for (int e = 0; e < 300; e++) {
      List<Command> batch = new ArrayList<>();
      if (e == 0) {
        batch.addAll(StoreFixture.seedModules(t)); // claims take only jobs whose module is stored
      } else if (e == 150) {
        byte[] v2 = ("crawler v2 " + seed).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        batch.add(new DeployModule(t, "crawler", StoreFixture.sha256(v2), v2)); // later claims run v2
      }
      int n = 1 + r.nextInt(8);
      for (int i = 0; i < n; i++) {
        t += r.nextInt(50);
        String worker = "w" + r.nextInt(3);
        JobRef some = refs.isEmpty() ? new JobRef(0, 1) : refs.get(r.nextInt(refs.size()));
        switch (r.nextInt(10)) {
          case 0, 1, 2 -> {
            String key = r.nextInt(4) == 0 ? "key-" + r.nextInt(40) : null;
            long runAt = r.nextInt(5) == 0 ? t + r.nextInt(60_000) : 0;
            batch.add(new SubmitJob(t, r.nextBoolean() ? "crawler" : "pipeline",
                "{\"url\":\"https://example.com/" + r.nextInt(1000) + "\"}", "https://example.com/",
                r.nextInt(3), runAt, 1 + r.nextInt(5), 60_000, key));
            jobs++;
          }
          case 3 -> {
            // a claim's tokens are only known after apply; guess them as a worker would after a retry
            batch.add(new ClaimJobs(t, worker, 1 + r.nextInt(4), 3_000));
            refs.add(new JobRef(r.nextInt(jobs + 1), 1 + r.nextInt(2)));
          }
          case 4 -> batch.add(r.nextBoolean() ? new Heartbeat(t, worker, "node", 1, 4, 3_000, List.of(some))
              : new AppendSteps(t, worker, some, List.of(new AppendSteps.Write(r.nextInt(3),
                  r.nextBoolean() ? "log" : "now_ms", new byte[] {(byte) r.nextInt(2)}, "step", r.nextInt(4), 0,
                  ("line " + r.nextInt(9)).getBytes(java.nio.charset.StandardCharsets.UTF_8), r.nextInt(4) > 0)),
                  new AppendSteps.Limits(1 << 20, 1 << 24, 1_000)));
          case 5 -> batch.add(new ReportProgress(t, worker,
              List.of(new ReportProgress.Item(some, r.nextInt(101), "step " + r.nextInt(9),
                  List.of(new ReportProgress.Line(t, r.nextInt(4), "line " + r.nextInt(9)))))));
          case 6 -> batch.add(new CompleteJob(t, worker, some, "{\"n\":" + r.nextInt(99) + "}"));
          case 7 -> batch.add(new FailJob(t, worker, some, "boom", r.nextBoolean(), t + r.nextInt(2_000), null));
          case 8 -> batch.add(switch (r.nextInt(3)) {
            case 0 -> new CancelJob(t, r.nextInt(jobs + 1), "test");
            case 1 -> new RetryJob(t, r.nextInt(jobs + 1), "test");
            default -> new ReleaseJob(t, worker, some, "test");
          });
          default -> batch.add(r.nextInt(3) == 0 ? new PurgeJobs(t, t - r.nextInt(20_000), 1 + r.nextInt(5))
              : new ExpireLeases(t, t - 5_000));
        }
      }
      schedules(e, t, batch);
      if (e % 60 == 59) {
        batch.add(new CheckConsistency(t, "schedule")); // records its own log index
      } else if (e % 60 == 0 && e > 0) {
        // a report on the check a few entries back: the index is a guess, so some are refused
        batch.add(new ReportDigest(t, e + e / 36 - r.nextInt(3), 1 + r.nextInt(3), 11, "ab", 3, "t=00/3"));
      }
      out.add(batch);
    }
    return out;
  }

  /** Schedule commands for entry {@code e}, from the entry's time alone (they draw no random number). */
  static void schedules(int e, long t, List<Command> batch) {
    String[] ids = {"s-skip", "s-queue", "s-allow"};
    ScheduleSpec.Overlap[] overlaps = ScheduleSpec.Overlap.values();
    if (e == 1) {
      for (int i = 0; i < ids.length; i++) {
        batch.add(PutSchedule.define(t, ids[i], true, new ScheduleSpec("*/1 * * * * *", "UTC", "noop", "{}", null, 0, 2,
            60_000, null, overlaps[i], ScheduleSpec.CatchUp.LAST), false, 10_000L * e));
      }
    } else if (e > 1 && e % 7 == 0) {
      for (String id : ids) {
        long due = 10_000L * (e == 7 ? 1 : e - 7); // the previous fire's next (stale after a pause or replace)
        batch.add(new FireSchedule(t, id, FireSchedule.Kind.SCHEDULED, due, due, 10_000L * e, 0));
        batch.add(new FireSchedule(t, id, FireSchedule.Kind.SCHEDULED, due, due, 10_000L * e, 0)); // a duplicate
      }
    } else if (e == 100) {
      batch.add(PutSchedule.pause(t, "s-allow"));
      batch.add(new FireSchedule(t, "s-skip", FireSchedule.Kind.MANUAL, -1, t, -1, 0));
    } else if (e == 120) {
      batch.add(PutSchedule.resume(t, "s-allow", 10_000L * 126, 1));
      batch.add(new FireSchedule(t, "s-queue", FireSchedule.Kind.MISSED, 10_000L * 119, 10_000L * 119,
          10_000L * 126, 3));
    } else if (e == 200) {
      batch.add(PutSchedule.define(t, "s-queue", false, new ScheduleSpec("0 * * * * *", "Europe/Paris", "crawler",
          "{\"url\":\"https://example.com/\"}", "https://example.com/", 1, 3, 60_000, null, ScheduleSpec.Overlap.QUEUE,
          ScheduleSpec.CatchUp.NONE), false, 10_000L * 203));
    } else if (e == 250) {
      batch.add(new DeleteSchedule(t, "s-skip"));
    }
  }

  static List<List<Result>> applyAll(Path file, List<List<Command>> entries) throws Exception {
    List<List<Result>> results = new ArrayList<>();
    try (StoreFixture s = new StoreFixture(file)) {
      long index = 0;
      for (List<Command> batch : entries) {
        // through the codec, as the log carries them
        List<Command> decoded = CommandCodec.decode(CommandCodec.encode(batch));
        results.add(s.processor.apply(1, ++index, decoded));
        if (index % 37 == 0) {
          s.processor.advance(1, ++index); // a Ratis entry with no commands
        }
      }
    }
    return results;
  }

  @Test
  void theSameEntriesGiveByteIdenticalDatabases() throws Exception {
    List<List<Command>> entries = entries(42);
    List<List<Result>> a = applyAll(dir.resolve("a.sqlite"), entries);
    List<List<Result>> b = applyAll(dir.resolve("b.sqlite"), entries);

    assertThat(a).isEqualTo(b);
    byte[] dumpA = DatabaseDump.of(dir.resolve("a.sqlite"));
    byte[] dumpB = DatabaseDump.of(dir.resolve("b.sqlite"));
    assertThat(dumpA).isEqualTo(dumpB);
    assertThat(new String(dumpA)).contains("crawler", "pipeline", "submitted; waits until");
    assertThat(a.stream().flatMap(List::stream))
        .anyMatch(res -> res instanceof Result.Submitted s && s.duplicate())
        .anyMatch(res -> res instanceof Result.Claimed c && !c.jobs().isEmpty())
        .anyMatch(res -> res instanceof Result.Done d && d.status() == io.mvmci.job.JobStatus.Completed)
        .anyMatch(res -> res instanceof Result.Rejected)
        .anyMatch(res -> res instanceof Result.Fired f && f.outcome() == Result.Fired.Outcome.QUEUED)
        .anyMatch(res -> res instanceof Result.Fired f && f.outcome() == Result.Fired.Outcome.SKIPPED)
        .anyMatch(res -> res instanceof Result.Fired f && f.outcome() == Result.Fired.Outcome.NOT_DUE)
        .anyMatch(res -> res instanceof Result.Fired f && f.outcome() == Result.Fired.Outcome.MISSED);
  }

  @Test
  void differentEntriesGiveDifferentDumps() throws Exception {
    applyAll(dir.resolve("a.sqlite"), entries(1));
    applyAll(dir.resolve("b.sqlite"), entries(2));
    assertThat(DatabaseDump.of(dir.resolve("a.sqlite")))
        .isNotEqualTo(DatabaseDump.of(dir.resolve("b.sqlite")));
  }

  @Test
  void replayingEntriesAlreadyAppliedChangesNothing() throws Exception {
    List<List<Command>> entries = entries(7);
    Path file = dir.resolve("a.sqlite");
    applyAll(file, entries);
    byte[] before = DatabaseDump.of(file);
    List<List<Result>> replay = applyAll(file, entries);
    assertThat(replay).allMatch(r -> r == null);
    assertThat(DatabaseDump.of(file)).isEqualTo(before);
  }
}
