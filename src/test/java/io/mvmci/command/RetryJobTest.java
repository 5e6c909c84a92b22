package io.mvmci.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.job.Job;
import io.mvmci.job.JobStatus;
import io.mvmci.testing.StoreFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A retry over the API: a Failed or Cancelled job becomes Pending with a fresh execution, its whole
 * failure budget and cleared results, under the same fencing token line; any other job is refused.
 */
class RetryJobTest {
  static final long T = 1_700_000_000_000L;

  @TempDir Path dir;

  @Test
  void aFailedJobIsQueuedAgainWithAFreshExecutionAndAStaleClaimStaysRefused() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      db.one(new SubmitJob(T, "noop", "{}", null, 0, 0, 1, 60_000, null));
      JobRef first = claim(db, T + 1);
      db.one(new AppendSteps(T + 2, "w", first, List.of(
          new AppendSteps.Write(0, "now_ms", new byte[] {1}, "", 0, 0, new byte[8], true)),
          new AppendSteps.Limits(1 << 20, 1 << 25, 10_000)));
      db.one(new FailJob(T + 3, "w", first, "boom", true, 0, "{\"partial\":1}"));
      Job failed = db.job(0);
      assertThat(failed.status()).isEqualTo(JobStatus.Failed);
      assertThat(failed.failures()).isEqualTo(1);

      Result r = db.one(new RetryJob(T + 10, 0, "alice"));

      assertThat(r).isEqualTo(new Result.Done(JobStatus.Pending));
      Job again = db.job(0);
      assertThat(again.status()).isEqualTo(JobStatus.Pending);
      assertThat(again.failures()).as("the whole failure budget again").isZero();
      assertThat(again.attempt()).as("the fencing token is never reset").isEqualTo(1);
      assertThat(again.execution()).isEqualTo(failed.execution() + 1);
      assertThat(again.historySteps()).isZero();
      assertThat(again.output()).isNull();
      assertThat(again.error()).isNull();
      assertThat(again.finishedAt()).isNull();
      assertThat(again.runAt()).isEqualTo(T + 10);
      assertThat(again.reason()).isEqualTo("retried by alice (was Failed); waiting for a worker");
      assertThat(db.store.queries().events(0).get(db.store.queries().events(0).size() - 1).status())
          .isEqualTo(JobStatus.Pending);
      assertThat(db.countedByStatus()).containsEntry("Pending", 1L).doesNotContainKey("Failed");

      assertThat(db.one(new CompleteJob(T + 11, "w", first, "{}")))
          .as("the old claim's report").isInstanceOf(Result.Rejected.class);
      JobRef second = claim(db, T + 12);
      assertThat(second.attempt()).isEqualTo(2);
      assertThat(db.one(new CompleteJob(T + 13, "w", second, "{}"))).isEqualTo(new Result.Done(JobStatus.Completed));
    }
  }

  @Test
  void onlyAFailedOrCancelledJobIsRetried() throws Exception {
    List<JobStatus> retried = new ArrayList<>();
    for (JobStatus from : JobStatus.values()) {
      try (StoreFixture db = StoreFixture.seeded(dir.resolve(from + ".sqlite"))) {
        putIn(db, from);
        Job before = db.job(0);
        Result r = db.one(new RetryJob(T + 100, 0, "test"));
        if (r instanceof Result.Done) {
          retried.add(from);
          assertThat(db.job(0).status()).isEqualTo(JobStatus.Pending);
        } else {
          assertThat(((Result.Rejected) r).reason()).isEqualTo(Result.Reason.ILLEGAL_TRANSITION);
          assertThat(db.job(0)).as("a refused retry changes nothing").isEqualTo(before);
        }
      }
    }
    assertThat(retried).containsExactly(JobStatus.Failed, JobStatus.Cancelled);
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("none.sqlite"))) {
      assertThat(((Result.Rejected) db.one(new RetryJob(T, 5, "test"))).reason())
          .isEqualTo(Result.Reason.UNKNOWN_JOB);
    }
  }

  private static JobRef claim(StoreFixture db, long at) throws Exception {
    return ((Result.Claimed) db.one(new ClaimJobs(at, "w", 1, 60_000))).jobs().get(0).ref();
  }

  private static void putIn(StoreFixture db, JobStatus status) throws Exception {
    db.one(new SubmitJob(T, "noop", "{}", null, 0, 0, 3, 60_000, null));
    if (status == JobStatus.Pending) {
      return;
    }
    if (status == JobStatus.Cancelled) {
      db.one(new CancelJob(T + 1, 0, "test"));
      return;
    }
    JobRef claimed = claim(db, T + 1);
    switch (status) {
      case Retrying -> db.one(new FailJob(T + 2, "w", claimed, "boom", true, T + 50, null));
      case Completed -> db.one(new CompleteJob(T + 2, "w", claimed, "{}"));
      case Failed -> db.one(new FailJob(T + 2, "w", claimed, "boom", false, 0, null));
      default -> { }
    }
  }
}
