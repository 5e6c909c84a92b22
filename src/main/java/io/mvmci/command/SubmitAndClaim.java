package io.mvmci.command;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * A submission with a claim riding on it (an eager start, as Temporal's "eager workflow start"): the
 * node that takes a submission proposes it together with a claim of one job by its own embedded
 * worker, which held a free slot for it, and the worker runs what the claim took as soon as the entry
 * applies. The job starts one commit sooner and no node's claimer is woken for it.
 *
 * <p>The claim is an ordinary {@link ClaimJobs} applied right after the submission, in the same
 * transaction: it takes the head of the queue the worker may take (by priority, then run-at time,
 * then id), which is the new job unless others were waiting before it; a full concurrency group, a
 * label the worker lacks, or a module version the log does not hold yet passes the new job over as
 * any claim would. A rejected submission claims nothing.
 *
 * @param submit the submission
 * @param claim the claim, by the proposing node's worker, of at most one job ({@code max} 1)
 */
public record SubmitAndClaim(SubmitJob submit, ClaimJobs claim) implements Command {

  public SubmitAndClaim {
    Objects.requireNonNull(submit, "submit");
    Objects.requireNonNull(claim, "claim");
  }

  @Override
  public CommandType type() {
    return CommandType.SUBMIT_AND_CLAIM;
  }

  /**
   * The submission's own layout (type 1 or 16, its code first), then the claim's (type 2), then
   * whether the worker has labels and, if so, the labels as type 26 writes them.
   */
  @Override
  public void writeTo(WireWriter w) {
    w.u16(submit.type().code);
    submit.writeTo(w);
    claim.writeWithoutLabels(w);
    w.bool(!claim.labels().isEmpty());
    if (!claim.labels().isEmpty()) {
      WireLabels.write(w, claim.labels());
    }
  }

  static SubmitAndClaim read(WireReader r) {
    int code = r.u16();
    SubmitJob submit = switch (code) {
      case 1 -> SubmitJob.read(r);
      case 16 -> SubmitJob.readWithOptions(r);
      default -> throw new MalformedCommandException("a submission with a claim holds submission type " + code);
    };
    ClaimJobs claim = ClaimJobs.read(r);
    List<String> labels = r.bool() ? WireLabels.read(r) : List.of();
    return new SubmitAndClaim(submit, new ClaimJobs(claim.at(), claim.workerId(), claim.max(), claim.leaseMs(), labels));
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    Result submitted = submit.apply(tx);
    if (!(submitted instanceof Result.Submitted s)) {
      return submitted;
    }
    return new Result.SubmittedAndClaimed(s, ((Result.Claimed) claim.apply(tx)).jobs());
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.SubmittedAndClaimed sc) {
      submit.announce(sc.submitted(), effects);
      claim.announce(new Result.Claimed(sc.claimed()), effects);
    } else {
      submit.announce(result, effects);
    }
  }
}
