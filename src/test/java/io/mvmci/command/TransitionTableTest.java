package io.mvmci.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.job.Job;
import io.mvmci.job.JobStatus;
import io.mvmci.testing.StoreFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pair of states, through the real commands: a job is put in {@code from}, then the command
 * that would make it {@code to} is applied with the job's own latest claim, so that only the table in
 * {@link JobStatus} decides. An allowed transition happens; a forbidden one is a typed rejection
 * ({@code ILLEGAL_TRANSITION} with a reason, or for a claim, the job not taken) and changes nothing.
 */
class TransitionTableTest {
  static final long T = 1_700_000_000_000L;
  static final long LATER = T + 3_600_000;

  @TempDir Path dir;

  static Stream<Arguments> everyPair() {
    List<Arguments> pairs = new ArrayList<>();
    for (JobStatus from : JobStatus.values()) {
      for (JobStatus to : JobStatus.values()) {
        pairs.add(Arguments.of(from, to));
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("everyPair")
  void onlyTheTableDecides(JobStatus from, JobStatus to) throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      JobRef ref = putIn(db, from);
      assertThat(db.job(0).status()).isEqualTo(from);
      Job before = db.job(0);

      Result r = db.one(commandTo(from, to, ref));

      if (from.canBecome(to)) {
        assertThat(db.job(0).status()).as("allowed: %s -> %s", from, to).isEqualTo(to);
        if (to == JobStatus.InProgress) {
          assertThat(((Result.Claimed) r).jobs()).hasSize(1);
        } else if (from == JobStatus.Waiting && to == JobStatus.Pending) {
          assertThat(r).isEqualTo(new Result.Woken(1));
        } else {
          assertThat(r).isEqualTo(new Result.Done(to));
        }
      } else {
        assertThat(db.job(0)).as("forbidden: %s -> %s changes nothing", from, to).isEqualTo(before);
        if (to == JobStatus.InProgress) {
          assertThat(((Result.Claimed) r).jobs()).isEmpty();
        } else {
          assertThat(r).isInstanceOfSatisfying(Result.Rejected.class, rejected -> {
            assertThat(rejected.reason()).isEqualTo(Result.Reason.ILLEGAL_TRANSITION);
            assertThat(rejected.message()).startsWith("job-0 is").contains(from.name());
          });
        }
      }
    }
  }

  /** Puts job-0 in {@code status}; answers its latest claim (attempt 0 if it was never claimed). */
  private static JobRef putIn(StoreFixture db, JobStatus status) throws Exception {
    db.one(new SubmitJob(T, "noop", "{}", null, 0, 0, 3, 60_000, null));
    if (status == JobStatus.Pending) {
      return new JobRef(0, 0);
    }
    if (status == JobStatus.Cancelled) {
      db.one(new CancelJob(T + 1, 0, "test"));
      return new JobRef(0, 0);
    }
    JobRef claimed = ((Result.Claimed) db.one(new ClaimJobs(T + 1, "w", 1, 60_000))).jobs().get(0).ref();
    switch (status) {
      case Retrying -> db.one(new FailJob(T + 2, "w", claimed, "boom", true, LATER - 1, null));
      case Completed -> db.one(new CompleteJob(T + 2, "w", claimed, "{}"));
      case Failed -> db.one(new FailJob(T + 2, "w", claimed, "boom", false, 0, null));
      case Waiting -> db.one(new SuspendJob(T + 2, "w", claimed, "timer", LATER - 1, 0));
      default -> { }
    }
    return claimed;
  }

  /**
   * The command that turns a job in {@code from} into {@code to}, reporting under {@code ref} where it
   * reports. Pending is reached three ways: a running job's hand-back, a Waiting job's timer (a worker
   * has no claim on it to hand back), and a finished job's retry over the API (RetryJobTest holds that
   * a retry of a job that is not finished is refused).
   */
  private static Command commandTo(JobStatus from, JobStatus to, JobRef ref) {
    return switch (to) {
      case Pending -> from == JobStatus.Waiting ? new WakeJobs(LATER, 10)
          : from.isTerminal() ? new RetryJob(LATER, 0, "test") : new ReleaseJob(LATER, "w", ref, "stopping");
      case Waiting -> new SuspendJob(LATER, "w", ref, "timer", LATER + 60_000, 0);
      case InProgress -> new ClaimJobs(LATER, "w2", 10, 60_000);
      case Retrying -> new FailJob(LATER, "w", ref, "again", true, LATER + 1_000, null);
      case Completed -> new CompleteJob(LATER, "w", ref, "{}");
      case Failed -> new FailJob(LATER, "w", ref, "for good", false, 0, null);
      case Cancelled -> new CancelJob(LATER, 0, "test");
    };
  }
}
