package io.mvmci.queue;

import io.mvmci.command.ClaimJobs;
import io.mvmci.command.Command;
import io.mvmci.command.Result;
import io.mvmci.command.SubmitAndClaim;
import io.mvmci.command.SubmitJob;
import io.mvmci.replication.ProposalRewriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Eager start on the leader, for every submission it appends, whichever node took it: a submission
 * for a job that may start now becomes a {@link SubmitAndClaim} of one job by the leader's worker,
 * while that worker has a free slot, so the job starts in the entry that adds it (as Temporal's eager
 * workflow start). A follower forwards its submissions as they are; the leader claims here, in
 * {@link io.mvmci.replication.QueueStateMachine#startTransaction}, so a job submitted through a follower
 * runs on the leader, where its steps commit without a forwarding hop, and no claim loop wakes for it.
 *
 * <p>The claim is stamped {@code max(leader's clock, submission's at)}: never before the job was
 * created, and its lease counted from the clock of the worker that renews it.
 *
 * <p>The proposer is answered as it asked: the submission's own result (the claim rides along
 * unseen); the leader's worker is told what the claim took. A slot taken for an entry that is then
 * refused or left pending when the leader steps down is given back; if such an entry commits anyway
 * under the next leader, its claim expires with its lease and the job runs again, as after any lost
 * claim.
 */
public final class EagerStartRewriter implements ProposalRewriter {
  private static final Logger LOG = LoggerFactory.getLogger(EagerStartRewriter.class);

  private final EagerStarts worker;
  private final Clock clock;

  public EagerStartRewriter(EagerStarts worker, Clock clock) {
    this.worker = worker;
    this.clock = clock;
  }

  @Override
  public Rewrite rewrite(List<Command> batch) {
    long now = clock.millis();
    List<Command> out = null; // both made at the first claim: most entries carry no submission
    List<Integer> claimed = null;
    for (int i = 0; i < batch.size(); i++) {
      if (!(batch.get(i) instanceof SubmitJob s) || s.options().afterSeq() >= 0) {
        continue;
      }
      long at = Math.max(now, s.at());
      if (s.effectiveRunAt() > at) {
        continue;
      }
      ClaimJobs claim = worker.reserve(at);
      if (claim == null) {
        break; // no free slot: none for the rest of the batch either
      }
      if (out == null) {
        out = new ArrayList<>(batch);
        claimed = new ArrayList<>();
      }
      out.set(i, new SubmitAndClaim(s, claim));
      claimed.add(i);
    }
    return out == null ? null : new Eager(out, claimed, System.nanoTime());
  }

  /** A batch whose submissions at {@code positions} carry the worker's claims. */
  private final class Eager implements Rewrite {
    private final List<Command> batch;
    private final List<Integer> positions;
    private final long sentNanos;
    private final AtomicBoolean settled = new AtomicBoolean();

    Eager(List<Command> batch, List<Integer> positions, long sentNanos) {
      this.batch = batch;
      this.positions = positions;
      this.sentNanos = sentNanos;
    }

    @Override
    public List<Command> batch() {
      return batch;
    }

    @Override
    public List<Result> applied(List<Result> results) {
      List<Result> answers = new ArrayList<>(results);
      boolean tell = settled.compareAndSet(false, true);
      for (int i : positions) {
        Result r = results.get(i);
        List<Result.ClaimedJob> took = List.of();
        if (r instanceof Result.SubmittedAndClaimed sc) {
          answers.set(i, sc.submitted());
          took = sc.claimed();
        }
        if (tell) {
          tellWorker(took);
        }
      }
      return answers;
    }

    @Override
    public void abandoned() {
      if (settled.compareAndSet(false, true)) {
        positions.forEach(i -> tellWorker(null));
      }
    }

    private void tellWorker(List<Result.ClaimedJob> took) {
      try {
        worker.claimed(took, sentNanos);
      } catch (RuntimeException e) {
        // the submission stands whatever became of its claim: a claimed job not run expires with its lease
        LOG.warn("could not start the job claimed with a submission", e);
      }
    }
  }
}
