package io.mvmci.command;

import io.mvmci.testing.StoreFixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.job.JobStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run of keyless submissions or of completions in one entry is applied as a batch (a multi-row
 * statement a chunk). It must read exactly as if each command had been applied alone: the same
 * results, job rows, events and counters. One store takes busy entries whole, the other takes the
 * same commands one per entry.
 */
class BatchedApplyTest {
  private static final long T = 1_700_000_000_000L;

  @TempDir Path dir;
  private StoreFixture whole;
  private StoreFixture single;

  @BeforeEach
  void open() throws Exception {
    whole = StoreFixture.seeded(dir.resolve("whole.sqlite"));
    single = StoreFixture.seeded(dir.resolve("single.sqlite"));
  }

  @AfterEach
  void close() throws Exception {
    whole.close();
    single.close();
  }

  /** Applies {@code batch} as one entry to one store and command by command to the other. */
  private List<Result> both(List<Command> batch) throws Exception {
    List<Result> a = whole.apply(batch.toArray(Command[]::new));
    List<Result> b = new ArrayList<>();
    for (Command c : batch) {
      b.add(single.one(c));
    }
    assertThat(a).as("results of an entry of %d commands", batch.size()).isEqualTo(b);
    return a;
  }

  @Test
  void busyEntriesReadAsTheirCommandsOneByOne() throws Exception {
    Random r = new Random(7);
    long t = T;
    int submitted = 0;
    List<JobRef> finished = new ArrayList<>();
    for (int round = 0; round < 12; round++) {
      // submissions: long keyless runs (chunks of 64, 16, 4, 1), broken by keyed ones, some repeated
      List<Command> submits = new ArrayList<>();
      int n = 1 + r.nextInt(150);
      for (int i = 0; i < n; i++) {
        String key = r.nextInt(12) == 0 ? "key-" + r.nextInt(20) : null;
        submits.add(new SubmitJob(t, r.nextBoolean() ? "noop" : "crawler", "{\"i\":" + i + "}",
            r.nextBoolean() ? null : "https://example.com/" + i, r.nextInt(3),
            r.nextInt(10) == 0 ? t + 50 : 0, 1 + r.nextInt(3), 60_000, key));
      }
      submitted += n;
      both(submits);
      t += 10;

      List<Command> claims = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        claims.add(new ClaimJobs(t, "w" + w, 1 + r.nextInt(70), 30_000));
      }
      List<CompleteJob> current = new ArrayList<>();
      List<Result> claimed = both(claims);
      for (int w = 0; w < claims.size(); w++) {
        for (Result.ClaimedJob j : ((Result.Claimed) claimed.get(w)).jobs()) {
          current.add(new CompleteJob(t + 5 + r.nextInt(2_000), "w" + w, j.ref(),
              "{\"ok\":" + j.ref().seq() + "}"));
        }
      }
      t += 3_000;

      // completions: the current claims in a shuffled order; in two rounds of three, with among them
      // stale tokens, a job completed twice, a job cancelled first, a failure breaking the run, and
      // an old claim again (each sends its whole run down the one-by-one path)
      Collections.shuffle(current, r);
      int odd = round % 3 == 0 ? 0 : 40;
      List<Command> ends = new ArrayList<>();
      List<Command> cancels = new ArrayList<>();
      for (CompleteJob c : current) {
        switch (odd == 0 ? -1 : r.nextInt(odd)) {
          case 0 -> ends.add(new CompleteJob(c.at(), c.workerId(), new JobRef(c.job().seq(), c.job().attempt() + 1),
              c.output()));
          case 1 -> ends.add(new CompleteJob(c.at(), "intruder", c.job(), c.output()));
          case 2 -> {
            ends.add(c);
            ends.add(c);
          }
          case 3 -> cancels.add(new CancelJob(t, c.job().seq(), "test"));
          case 4 -> ends.add(new FailJob(c.at(), c.workerId(), c.job(), "boom", true, c.at() + 100, null));
          default -> { }
        }
        ends.add(c);
      }
      if (odd != 0 && !finished.isEmpty()) {
        ends.add(new CompleteJob(t, "w0", finished.get(r.nextInt(finished.size())), "{}"));
      }
      if (!cancels.isEmpty()) {
        both(cancels);
      }
      for (int from = 0; from < ends.size(); ) {
        int size = 1 + r.nextInt(120);
        both(ends.subList(from, Math.min(ends.size(), from + size)));
        from += size;
      }
      current.forEach(c -> finished.add(c.job()));
      t += 100;
    }

    assertThat(whole.store.queries().counts()).isEqualTo(single.store.queries().counts());
    assertThat(whole.store.queries().counts().get(JobStatus.Completed)).as("most jobs completed")
        .isGreaterThan(submitted / 3);
    for (long seq = 0; seq < submitted; seq++) {
      assertThat(whole.store.queries().get(seq)).as("job-%d", seq).isEqualTo(single.store.queries().get(seq));
      assertThat(whole.store.queries().events(seq)).as("events of job-%d", seq)
          .isEqualTo(single.store.queries().events(seq));
    }
  }
}
