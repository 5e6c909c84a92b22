package io.mvmci.command;

import static io.mvmci.command.LabelClaimTest.claimed;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.job.ConcurrencyPolicy;
import io.mvmci.job.Dispatch;
import io.mvmci.job.JobStatus;
import io.mvmci.testing.StoreFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrency groups, applied to a real SQLite file: a full group queues, skips or cancels by its
 * policy; a waiting run holds its slot; a resumed run is never refused by its own group.
 */
class ConcurrencyClaimTest {
  static final long T = 1_700_000_000_000L;

  @TempDir Path dir;

  static SubmitJob grouped(long at, String key, int limit, ConcurrencyPolicy policy) {
    return LabelClaimTest.job(at, 0, new Dispatch(List.of(), key, limit, policy));
  }

  static List<Long> claim(StoreFixture db, long at, int max) throws Exception {
    return claimed(db.one(new ClaimJobs(at, "w", max, 60_000)));
  }

  static JobRef ref(StoreFixture db, long seq) throws Exception {
    return new JobRef(seq, db.job(seq).attempt());
  }

  @Test
  void queueRunsOneAtATimeInOrderAndSaysWhyTheOthersWait() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      for (int i = 0; i < 3; i++) {
        db.one(grouped(T + i, "deploy", 1, ConcurrencyPolicy.QUEUE));
      }
      db.one(LabelClaimTest.job(T + 3, List.of())); // job-3: no group
      assertThat(claim(db, T + 10, 10)).as("one of the group, and the ungrouped job").containsExactly(0L, 3L);
      assertThat(db.job(1).status()).isEqualTo(JobStatus.Pending);
      assertThat(db.job(1).reason()).isEqualTo("waiting for a slot in concurrency group deploy (limit 1, held by job-0)");
      assertThat(claim(db, T + 11, 10)).isEmpty();
      db.one(new CompleteJob(T + 12, "w", ref(db, 0), "{}"));
      assertThat(claim(db, T + 13, 10)).containsExactly(1L);
      db.one(new FailJob(T + 14, "w", ref(db, 1), "boom", false, T + 14, null));
      assertThat(claim(db, T + 15, 10)).as("a job that failed for good frees its slot").containsExactly(2L);
    }
  }

  @Test
  void aLimitAbove1AdmitsThatManyAndCountsJobsPickedInTheSameClaim() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      for (int i = 0; i < 5; i++) {
        db.one(grouped(T + i, "build", 2, ConcurrencyPolicy.QUEUE));
      }
      assertThat(claim(db, T + 10, 10)).containsExactly(0L, 1L);
      db.one(new CancelJob(T + 11, 0, "alice"));
      assertThat(claim(db, T + 12, 10)).as("a cancel frees a slot").containsExactly(2L);
    }
  }

  @Test
  void aWaitingRunHoldsItsSlotAndResumesEvenWhenOthersQueue() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      db.one(grouped(T, "deploy", 1, ConcurrencyPolicy.QUEUE));
      db.one(grouped(T + 1, "deploy", 1, ConcurrencyPolicy.QUEUE));
      assertThat(claim(db, T + 10, 10)).containsExactly(0L);
      JobRef first = ref(db, 0);
      db.one(new SuspendJob(T + 11, "w", first, "signal:go", -1, 0, List.of(
          new AppendSteps.Write(0, "now_ms", new byte[] {1}, "", 0, 0, new byte[8], true)),
          new AppendSteps.Limits(1 << 20, 1 << 25, 10_000)));
      assertThat(db.job(0).status()).isEqualTo(JobStatus.Waiting);
      assertThat(claim(db, T + 12, 10)).as("the Waiting job still holds the group").isEmpty();
      db.one(new SendSignal(T + 13, 0, "go", "{}", null));
      assertThat(db.job(0).status()).isEqualTo(JobStatus.Pending);
      assertThat(claim(db, T + 14, 10)).as("the woken run resumes; job-1 still waits").containsExactly(0L);
    }
  }

  @Test
  void aRunWhoseLeaseRanOutIsResumedByItsOwnGroup() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      db.one(grouped(T, "deploy", 1, ConcurrencyPolicy.QUEUE));
      db.one(grouped(T, "deploy", 1, ConcurrencyPolicy.QUEUE));
      assertThat(claimed(db.one(new ClaimJobs(T + 1, "w", 10, 1_000)))).containsExactly(0L);
      db.one(new AppendSteps(T + 2, "w", ref(db, 0), List.of(
          new AppendSteps.Write(0, "now_ms", new byte[] {1}, "", 0, 0, new byte[8], true)),
          new AppendSteps.Limits(1 << 20, 1 << 25, 10_000)));
      db.one(new ExpireLeases(T + 5_000, T + 5_000));
      assertThat(db.job(0).status()).isEqualTo(JobStatus.Pending);
      assertThat(claim(db, T + 5_001, 10)).as("the resumed run, not the queued job").containsExactly(0L);
    }
  }

  @Test
  void skipCancelsTheNewJobWithAReason() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      db.one(grouped(T, "nightly", 1, ConcurrencyPolicy.SKIP));
      db.one(grouped(T + 1, "nightly", 1, ConcurrencyPolicy.SKIP));
      db.one(LabelClaimTest.job(T + 2, List.of()));
      assertThat(claim(db, T + 10, 10)).containsExactly(0L, 2L);
      assertThat(db.job(1).status()).isEqualTo(JobStatus.Cancelled);
      assertThat(db.job(1).reason()).contains("concurrency group nightly").contains("policy skip")
          .contains("held by job-0");
      assertThat(db.countedByStatus()).containsEntry("Cancelled", 1L).containsEntry("InProgress", 2L);
    }
  }

  @Test
  void cancelInProgressLetsTheNewestWin() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      db.one(grouped(T, "preview", 1, ConcurrencyPolicy.CANCEL_IN_PROGRESS));
      assertThat(claim(db, T + 10, 10)).containsExactly(0L);
      db.one(grouped(T + 11, "preview", 1, ConcurrencyPolicy.CANCEL_IN_PROGRESS));
      db.one(grouped(T + 12, "preview", 1, ConcurrencyPolicy.CANCEL_IN_PROGRESS));
      assertThat(claim(db, T + 20, 10)).as("only the newest runs").containsExactly(2L);
      assertThat(db.job(0).status()).isEqualTo(JobStatus.Cancelled);
      assertThat(db.job(0).reason()).contains("superseded by newer job-2");
      assertThat(db.job(1).status()).isEqualTo(JobStatus.Cancelled);
      assertThat(db.job(1).reason()).contains("superseded by newer job-2");
      assertThat(db.one(new CompleteJob(T + 21, "w", new JobRef(0, 1), "{}")))
          .as("the cancelled run's report is refused").isInstanceOf(Result.Rejected.class);
      assertThat(db.countedByStatus()).containsEntry("Cancelled", 2L).containsEntry("InProgress", 1L);
    }
  }

  @Test
  void groupsAndLabelsSurviveTheCodecAndApplyTheSameOnTwoDatabases() throws Exception {
    List<Command> log = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      log.add(LabelClaimTest.job(T + i, i % 3, new Dispatch(i % 2 == 0 ? List.of("gpu") : List.of(), "k" + (i % 2),
          1 + i % 2, ConcurrencyPolicy.values()[i % 3])));
    }
    log.add(new ClaimJobs(T + 10, "a", 3, 60_000, List.of("gpu")));
    log.add(new ClaimJobs(T + 11, "b", 3, 60_000));
    log.add(grouped(T + 12, "k0", 1, ConcurrencyPolicy.CANCEL_IN_PROGRESS));
    log.add(new ClaimJobs(T + 13, "b", 3, 60_000));
    try (StoreFixture a = StoreFixture.seeded(dir.resolve("a.sqlite"));
         StoreFixture b = StoreFixture.seeded(dir.resolve("b.sqlite"))) {
      for (Command c : log) {
        assertThat(CommandCodec.decode(CommandCodec.encode(List.of(c)))).containsExactly(c);
        a.one(c);
        b.one(c);
      }
      for (long seq = 0; seq < 7; seq++) {
        assertThat(a.job(seq)).isEqualTo(b.job(seq));
      }
    }
  }
}
