package io.mvmci.command;

import java.sql.SQLException;

/**
 * A change to the replicated queue, and the one place that says everything about it: its wire layout
 * ({@link #writeTo}, and a static {@code read} registered in {@link CommandType}), how it applies to
 * the database ({@link #apply}), and what this node's parts hear once it has ({@link #announce}).
 * The interface is sealed and every method is abstract, so a command missing any of these does not
 * compile. The recipe for adding one is in this package's {@code package-info}.
 *
 * <p>Every field that is not a pure function of the queue's state (times, ids chosen by a node,
 * random jitter, lease deadlines) is stamped into the command by the node that proposes it, so that
 * applying the same commands to the same state gives the same state on every node.
 */
public sealed interface Command permits SubmitJob, ClaimJobs, Heartbeat, ReportProgress, CompleteJob,
    FailJob, ReleaseJob, CancelJob, ExpireLeases, IssueTicket, RevokeTicket, DeployModule, PurgeJobs,
    SeedModule, AppendSteps, PromoteModule, DeleteModule, SuspendJob, WakeJobs, SendSignal, RetryJob,
    PutSchedule, DeleteSchedule, FireSchedule, RecordArtifact, SubmitAndClaim, CheckConsistency, ReportDigest {

  /** The type code that prefixes this command's payload in the envelope. */
  CommandType type();

  /** Writes the payload (not the type code). */
  void writeTo(WireWriter w);

  /**
   * Applies this command inside its entry's transaction, on the apply thread. Deterministic: reads
   * no clock, draws no random number, iterates nothing in an unspecified order.
   *
   * @return what the proposer is told; a business refusal (an unknown job, a stale claim, an illegal
   *     transition) is a {@link Result.Rejected} with nothing written, never an exception
   * @throws SQLException only when the database failed: the entry is rolled back and the node stops
   */
  Result apply(Tx tx) throws SQLException;

  /**
   * Tells this node's parts what applying this command did, after its entry committed: called with
   * the command's own result, on the apply thread. Quick, and only through {@code effects}.
   */
  void announce(Result result, Effects effects);
}
