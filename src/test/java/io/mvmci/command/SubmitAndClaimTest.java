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

/**
 * An eager start, applied to a real SQLite file through the real codec: the claim riding on a
 * submission is an ordinary claim made right after it, in the same entry.
 */
class SubmitAndClaimTest {
  static final long T = 1_700_000_000_000L;

  @TempDir Path dir;

  static SubmitJob job(long at, int priority, List<String> labels) {
    return new SubmitJob(at, "noop", "{}", null, priority, 0, 3, 60_000, null,
        JobOptions.NONE.withDispatch(new Dispatch(labels, null, 1, ConcurrencyPolicy.QUEUE)));
  }

  static List<Long> claimed(Result r) {
    return ((Result.SubmittedAndClaimed) r).claimed().stream().map(j -> j.ref().seq()).toList();
  }

  @Test
  void theNewJobStartsInTheEntryThatAddsIt() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      Result r = db.one(new SubmitAndClaim(job(T, 0, List.of()), new ClaimJobs(T, "node-1", 1, 3_000)));
      assertThat(((Result.SubmittedAndClaimed) r).submitted()).isEqualTo(new Result.Submitted(0, false));
      assertThat(claimed(r)).containsExactly(0L);
      Result.ClaimedJob c = ((Result.SubmittedAndClaimed) r).claimed().get(0);
      assertThat(c.ref()).isEqualTo(new JobRef(0, 1));
      assertThat(c.leaseUntil()).isEqualTo(T + 3_000);
      assertThat(c.moduleSha256()).as("the version the log holds").isNotNull();
      assertThat(db.job(0).status()).isEqualTo(JobStatus.InProgress);
      assertThat(db.job(0).workerId()).isEqualTo("node-1");
      assertThat(db.job(0).startedAt()).isEqualTo(T);
      assertThat(claimed(db.one(new SubmitAndClaim(job(T + 1, 0, List.of()), new ClaimJobs(T + 1, "node-1", 1, 3_000)))))
          .containsExactly(1L);
    }
  }

  @Test
  void theClaimTakesTheHeadOfTheQueueNotNecessarilyTheNewJob() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      db.one(job(T, 0, List.of())); // job-0 waits
      assertThat(claimed(db.one(new SubmitAndClaim(job(T + 1, 0, List.of()), new ClaimJobs(T + 1, "w", 1, 3_000)))))
          .as("job-0 was first").containsExactly(0L);
      assertThat(db.job(1).status()).isEqualTo(JobStatus.Pending);
      assertThat(claimed(db.one(new SubmitAndClaim(job(T + 2, 9, List.of()), new ClaimJobs(T + 2, "w", 1, 3_000)))))
          .as("a higher priority goes ahead of job-1").containsExactly(2L);
      assertThat(db.job(1).status()).isEqualTo(JobStatus.Pending);
    }
  }

  @Test
  void aWorkerWithoutTheJobsLabelsLeavesItPendingForAnother() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      Result r = db.one(new SubmitAndClaim(job(T, 0, List.of("gpu")), new ClaimJobs(T, "plain", 1, 3_000)));
      assertThat(claimed(r)).isEmpty();
      assertThat(db.job(0).status()).isEqualTo(JobStatus.Pending);
      assertThat(claimed(db.one(new SubmitAndClaim(job(T + 1, 0, List.of("gpu")),
          new ClaimJobs(T + 1, "gpu", 1, 3_000, List.of("gpu", "linux")))))).containsExactly(0L);
    }
  }

  @Test
  void aRejectedSubmissionClaimsNothing() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      db.one(job(T, 0, List.of())); // job-0 waits
      SubmitJob unknownVersion = new SubmitJob(T + 1, "noop", "{}", null, 0, 0, 3, 60_000, null,
          new JobOptions("ab".repeat(32)));
      Result r = db.one(new SubmitAndClaim(unknownVersion, new ClaimJobs(T + 1, "w", 1, 3_000)));
      assertThat(r).isInstanceOf(Result.Rejected.class);
      assertThat(db.job(0).status()).isEqualTo(JobStatus.Pending);
    }
  }

  @Test
  void aKnownIdempotencyKeyAnswersTheJobAndStillClaims() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      SubmitJob keyed = new SubmitJob(T, "noop", "{}", null, 0, 0, 3, 60_000, "k");
      db.one(keyed);
      Result r = db.one(new SubmitAndClaim(keyed, new ClaimJobs(T + 1, "w", 1, 3_000)));
      assertThat(((Result.SubmittedAndClaimed) r).submitted()).isEqualTo(new Result.Submitted(0, true));
      assertThat(claimed(r)).as("the slot was free: the queue's head runs").containsExactly(0L);
    }
  }

  @Test
  void bothLayoutsOfTheSubmissionAndTheWorkersLabelsRoundTrip() {
    SubmitAndClaim labelled = new SubmitAndClaim(job(T, 2, List.of("gpu")),
        new ClaimJobs(T, "node-2", 1, 3_000, List.of("linux", "gpu")));
    SubmitAndClaim plain = new SubmitAndClaim(CommandCodecTest.SUBMIT, new ClaimJobs(T, "node-1", 1, 3_000));
    assertThat(CommandCodec.decode(CommandCodec.encode(List.of(labelled, plain)))).containsExactly(labelled, plain);
    assertThat(ResultCodec.decode(ResultCodec.encode(List.of(new Result.SubmittedAndClaimed(
        new Result.Submitted(4, false), List.of(new Result.ClaimedJob(new JobRef(4, 1), "noop", "{}", 60_000,
            T + 3_000, 0, 3, "ab", 1, 0)))))))
        .containsExactly(new Result.SubmittedAndClaimed(new Result.Submitted(4, false), List.of(
            new Result.ClaimedJob(new JobRef(4, 1), "noop", "{}", 60_000, T + 3_000, 0, 3, "ab", 1, 0))));
  }

  /**
   * A proposer reads an eager start's result as the submission it sent: a reply answered from Ratis's
   * retry cache (the rewriting leader stepped down, the retry reached the next leader) carries the
   * entry's results as applied, and JobService answered such a submission 500.
   */
  @Test
  void aProposerReadsASubmissionThatCarriedAClaimAsItsSubmission() {
    byte[] reply = ResultCodec.encode(List.of(new Result.Ack(), new Result.SubmittedAndClaimed(
        new Result.Submitted(4, true), List.of(new Result.ClaimedJob(new JobRef(4, 1), "noop", "{}", 60_000,
            T + 3_000, 0, 3, "ab", 1, 0))), new Result.Rejected(Result.Reason.INVALID, "no")));
    assertThat(ResultCodec.decodeAsProposed(reply)).containsExactly(new Result.Ack(), new Result.Submitted(4, true),
        new Result.Rejected(Result.Reason.INVALID, "no"));
    assertThat(ResultCodec.decode(reply).get(1)).isInstanceOf(Result.SubmittedAndClaimed.class);
  }
}
