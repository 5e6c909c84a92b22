package io.mvmci.replication;

import io.mvmci.command.Command;
import io.mvmci.command.Result;
import java.util.List;

/**
 * The leader's say in an entry before it reaches the log: {@link QueueStateMachine#startTransaction}
 * offers each proposed batch, whichever node proposed it, and may append a rewritten one instead.
 * What is appended is what every member applies, so a rewrite changes nothing about determinism. Its
 * one use: an eager start, a submission carrying a claim by the leader's own worker
 * ({@link io.mvmci.queue.EagerStartRewriter}).
 *
 * <p>Threading: {@link #rewrite} runs on whichever thread hands Ratis the request (gRPC's for a
 * follower's, the proposer's own on the leader), concurrently; a {@link Rewrite}'s methods run on the
 * apply thread or on Ratis's thread that steps down, at most one of them for any one rewrite.
 */
public interface ProposalRewriter {
  /** Appends every batch as proposed. */
  ProposalRewriter NONE = batch -> null;

  /** A batch to append instead of {@code batch}, or null to append it as proposed. */
  Rewrite rewrite(List<Command> batch);

  /** A rewritten batch and what becomes of it on this node. */
  interface Rewrite {
    /** The commands to append, one for each proposed, in order. */
    List<Command> batch();

    /**
     * The entry applied on this node while it held the proposal: {@code results} are the rewritten
     * batch's; answers the results the proposer is sent, one per command it proposed, as if its own
     * batch had applied.
     */
    List<Result> applied(List<Result> results);

    /**
     * The entry will not apply here as this leader's proposal: it was refused before the log, or this
     * node stepped down with it pending (it may still commit under the next leader, applied as any
     * entry is).
     */
    void abandoned();
  }
}
