package io.mvmci.command;

/**
 * A change to the replicated queue. Every field that is not a pure function of the queue's state
 * (times, ids chosen by a node, random jitter, lease deadlines) is stamped into the command by the
 * node that proposes it, so that applying the same commands to the same state gives the same state on
 * every node.
 *
 * <p>Each command type has a {@link #type() type code}. Codes are only ever appended: a code, once
 * released, keeps its wire layout forever. A command that needs another field gets a new code.
 */
public sealed interface Command permits SubmitJob, ClaimJobs, Heartbeat, ReportProgress, CompleteJob,
    FailJob, ReleaseJob, CancelJob, ExpireLeases, IssueTicket, RevokeTicket, DeployModule, PurgeJobs {

  /** The type code that prefixes this command's payload in the envelope. */
  int type();

  /** Writes the payload (not the type code). */
  void writeTo(WireWriter w);
}
