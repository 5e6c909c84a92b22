package io.mvmci.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.command.ClaimJobs;
import io.mvmci.command.Command;
import io.mvmci.command.CommandCodec;
import io.mvmci.command.JobOptions;
import io.mvmci.command.Result;
import io.mvmci.command.SubmitAndClaim;
import io.mvmci.command.SubmitJob;
import io.mvmci.job.JobStatus;
import io.mvmci.replication.ProposalRewriter;
import io.mvmci.testing.StoreFixture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's eager start of submissions proposed anywhere: the rewritten batch applied to a real
 * SQLite file through the real codec, the proposer answered as it asked, and every slot the worker
 * took either runs what its claim took or is given back, once.
 */
class EagerStartRewriterTest {
  static final long T = 1_700_000_000_000L;

  @TempDir Path dir;

  /** A worker with {@code free} slots that records what it is told. */
  static final class Slots implements EagerStarts {
    int free;
    final List<List<Result.ClaimedJob>> told = new ArrayList<>();

    Slots(int free) {
      this.free = free;
    }

    @Override
    public ClaimJobs reserve(long now) {
      if (free == 0) {
        return null;
      }
      free--;
      return new ClaimJobs(now, "node-1", 1, 3_000);
    }

    @Override
    public void claimed(List<Result.ClaimedJob> jobs, long sentNanos) {
      told.add(jobs);
      if (jobs == null || jobs.isEmpty()) {
        free++;
      }
    }
  }

  static SubmitJob job(long at, long runAt) {
    return new SubmitJob(at, "noop", "{}", null, 0, runAt, 3, 60_000, null, JobOptions.NONE);
  }

  static EagerStartRewriter rewriter(Slots slots, long now) {
    return new EagerStartRewriter(slots, Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC));
  }

  @Test
  void submissionsThatMayStartNowCarryAClaimWhileSlotsAreFreeAndTheProposerSeesOnlyItsOwnResults() throws Exception {
    Slots slots = new Slots(1);
    // a follower's clock behind the leader's: the claim is stamped with the leader's time
    List<Command> proposed = List.of(job(T - 50, 0), job(T - 40, 0), new ClaimJobs(T - 40, "node-2", 1, 3_000));
    ProposalRewriter.Rewrite rewrite = rewriter(slots, T).rewrite(proposed);
    assertThat(rewrite.batch()).hasSize(3);
    assertThat(rewrite.batch().get(0)).isInstanceOf(SubmitAndClaim.class);
    assertThat(((SubmitAndClaim) rewrite.batch().get(0)).claim().at()).isEqualTo(T);
    assertThat(rewrite.batch().subList(1, 3)).as("a submission with no slot left, and the other commands")
        .isEqualTo(proposed.subList(1, 3));
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      List<Command> appended = CommandCodec.decode(CommandCodec.encode(rewrite.batch()));
      List<Result> results = db.apply(appended.toArray(Command[]::new));
      List<Result> answers = rewrite.applied(results);
      assertThat(answers.get(0)).isEqualTo(new Result.Submitted(0, false));
      assertThat(answers.get(1)).isEqualTo(new Result.Submitted(1, false));
      assertThat(answers.get(2)).as("node-2's claim took job-1, as proposed").isEqualTo(results.get(2));
      assertThat(slots.told).hasSize(1);
      assertThat(slots.told.get(0)).hasSize(1);
      assertThat(slots.told.get(0).get(0).ref().seq()).isZero();
      assertThat(db.job(0).status()).isEqualTo(JobStatus.InProgress);
      assertThat(db.job(0).workerId()).isEqualTo("node-1");
      assertThat(db.job(0).startedAt()).isEqualTo(T);
      assertThat(db.job(1).workerId()).isEqualTo("node-2");
      rewrite.abandoned();
      assertThat(slots.told).as("told once").hasSize(1);
    }
  }

  @Test
  void laterJobsChildrenOfOthersAndFullWorkersGoAsProposed() {
    assertThat(rewriter(new Slots(4), T).rewrite(List.of(job(T, T + 60_000)))).as("a later run_at").isNull();
    assertThat(rewriter(new Slots(4), T).rewrite(List.of(new SubmitJob(T, "noop", "{}", null, 0, 0, 3, 60_000, null,
        JobOptions.NONE.after(7))))).as("a job that waits for another").isNull();
    assertThat(rewriter(new Slots(0), T).rewrite(List.of(job(T, 0)))).as("no free slot").isNull();
    assertThat(rewriter(new Slots(4), T).rewrite(List.of(new ClaimJobs(T, "w", 1, 3_000)))).isNull();
  }

  @Test
  void anAbandonedRewriteGivesEverySlotBackOnceAndALateApplyTellsNoOne() {
    Slots slots = new Slots(2);
    ProposalRewriter.Rewrite rewrite = rewriter(slots, T).rewrite(List.of(job(T, 0), job(T, 0), job(T, 0)));
    assertThat(slots.free).isZero();
    rewrite.abandoned();
    rewrite.abandoned();
    assertThat(slots.free).isEqualTo(2);
    assertThat(slots.told).containsExactly(null, null);
    List<Result> answers = rewrite.applied(List.of(
        new Result.SubmittedAndClaimed(new Result.Submitted(0, false), List.of()),
        new Result.SubmittedAndClaimed(new Result.Submitted(1, false), List.of()),
        new Result.Submitted(2, false)));
    assertThat(answers).containsExactly(new Result.Submitted(0, false), new Result.Submitted(1, false),
        new Result.Submitted(2, false));
    assertThat(slots.told).hasSize(2);
  }

  @Test
  void aClaimThatTookNothingGivesItsSlotBack() throws Exception {
    Slots slots = new Slots(1);
    ProposalRewriter.Rewrite rewrite = rewriter(slots, T).rewrite(List.of(new SubmitJob(T, "no-such-workflow", "{}",
        null, 0, 0, 3, 60_000, null, JobOptions.NONE)));
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      List<Result> answers = rewrite.applied(db.apply(rewrite.batch().toArray(Command[]::new)));
      assertThat(answers.get(0)).isInstanceOf(Result.Submitted.class);
      assertThat(slots.told).hasSize(1);
      assertThat(slots.free).as("the claim took nothing: no stored module for the workflow").isEqualTo(1);
    }
  }
}
