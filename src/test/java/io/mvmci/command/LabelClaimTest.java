package io.mvmci.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.job.ConcurrencyPolicy;
import io.mvmci.job.Dispatch;
import io.mvmci.job.JobStatus;
import io.mvmci.testing.StoreFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Worker labels, applied to a real SQLite file: a claim takes only jobs whose labels the worker has. */
class LabelClaimTest {
  static final long T = 1_700_000_000_000L;

  @TempDir Path dir;

  static SubmitJob job(long at, List<String> labels) {
    return job(at, 0, new Dispatch(labels, null, 1, ConcurrencyPolicy.QUEUE));
  }

  static SubmitJob job(long at, int priority, Dispatch d) {
    return new SubmitJob(at, "noop", "{}", null, priority, 0, 3, 60_000, null, JobOptions.NONE.withDispatch(d));
  }

  static List<Long> claimed(Result r) {
    return ((Result.Claimed) r).jobs().stream().map(j -> j.ref().seq()).toList();
  }

  @Test
  void aClaimTakesOnlyJobsWhoseLabelsAreAllAmongTheWorkers() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      db.one(job(T, List.of("gpu", "arm64")));     // job-0
      db.one(job(T + 1, List.of()));               // job-1
      db.one(job(T + 2, List.of("gpu")));          // job-2
      db.one(job(T + 3, List.of("arm64", "gpu"))); // job-3: the same set as job-0

      assertThat(claimed(db.one(new ClaimJobs(T + 10, "plain", 10, 60_000))))
          .as("a worker without labels takes only the job that requires none").containsExactly(1L);
      assertThat(claimed(db.one(new ClaimJobs(T + 11, "gpu-only", 10, 60_000, List.of("gpu")))))
          .containsExactly(2L);
      assertThat(claimed(db.one(new ClaimJobs(T + 12, "x86", 10, 60_000, List.of("x86", "linux")))))
          .isEmpty();
      assertThat(claimed(db.one(new ClaimJobs(T + 13, "big", 10, 60_000, List.of("linux", "gpu", "arm64")))))
          .as("in queue order across label sets").containsExactly(0L, 3L);
      assertThat(db.job(0).dispatch().labels()).as("in the order given").containsExactly("gpu", "arm64");
      assertThat(db.job(0).status()).isEqualTo(JobStatus.InProgress);
    }
  }

  @Test
  void queueOrderHoldsAcrossLabelSetsAndALimitTakesTheFirst() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      db.one(job(T, 0, new Dispatch(List.of("a"), null, 1, ConcurrencyPolicy.QUEUE)));  // job-0
      db.one(job(T, 5, new Dispatch(List.of("b"), null, 1, ConcurrencyPolicy.QUEUE)));  // job-1, higher priority
      db.one(job(T, 0, Dispatch.NONE));                                                  // job-2
      db.one(job(T, 5, new Dispatch(List.of("a", "b"), null, 1, ConcurrencyPolicy.QUEUE))); // job-3
      assertThat(claimed(db.one(new ClaimJobs(T + 1, "w", 3, 60_000, List.of("a", "b")))))
          .containsExactly(1L, 3L, 0L);
      assertThat(claimed(db.one(new ClaimJobs(T + 2, "w", 3, 60_000, List.of("a", "b")))))
          .containsExactly(2L);
    }
  }

  @Test
  void heartbeatsKeepTheWorkersLabels() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      db.one(new Heartbeat(T, "w1", "remote", 0, 2, 3_000, List.of(), List.of("gpu", "arm64")));
      assertThat(db.store.queries().workers().get(0).labels()).containsExactly("arm64", "gpu");
      db.one(new Heartbeat(T + 1, "w1", "remote", 0, 2, 3_000, List.of()));
      assertThat(db.store.queries().workers().get(0).labels()).as("a beat without labels clears them").isEmpty();
    }
  }

  @Test
  void aRetriedOrResumedJobKeepsItsLabels() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      db.one(job(T, List.of("gpu")));
      List<Result.ClaimedJob> first = ((Result.Claimed) db.one(new ClaimJobs(T + 1, "g", 1, 60_000,
          List.of("gpu")))).jobs();
      db.one(new FailJob(T + 2, "g", first.get(0).ref(), "boom", true, T + 2, null));
      assertThat(db.job(0).status()).isEqualTo(JobStatus.Retrying);
      assertThat(claimed(db.one(new ClaimJobs(T + 3, "plain", 1, 60_000)))).isEmpty();
      assertThat(claimed(db.one(new ClaimJobs(T + 4, "g2", 1, 60_000, List.of("gpu"))))).containsExactly(0L);
    }
  }
}
