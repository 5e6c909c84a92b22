package io.mvmci.replication;

import java.util.Optional;

/**
 * This node's view of the Raft group at one moment, for health and metrics. Fields are read one
 * after another, not atomically: good enough to report, not to decide a write.
 *
 * @param role {@code LEADER}, {@code FOLLOWER}, {@code CANDIDATE}, {@code LISTENER}, or
 *     {@code UNKNOWN} when the division is gone
 * @param lifecycle the division's lifecycle ({@code RUNNING} while it takes part; {@code CLOSED}
 *     or {@code EXCEPTION} after a fatal error, even though the process and its ports are up)
 * @param stateMachine the state machine's lifecycle ({@code PAUSED} while a snapshot is installed)
 * @param leaderId the leader this node knows of
 * @param leaderReady on the leader: its first entry of this term has committed
 * @param commitIndex the highest index this node knows to be committed
 * @param appliedIndex the highest index Ratis has applied to the state machine here
 * @param databaseAppliedIndex the highest index whose changes are in this node's SQLite
 * @param msSinceLeaderContact on a follower: time since the leader was last heard from; else -1
 */
public record RaftStatus(
    int selfId,
    String role,
    String lifecycle,
    String stateMachine,
    long term,
    Optional<Integer> leaderId,
    boolean leaderReady,
    long commitIndex,
    long appliedIndex,
    long databaseAppliedIndex,
    long msSinceLeaderContact) {

  public boolean isLeader() {
    return "LEADER".equals(role);
  }

  /** The division takes part in the group (not closed by a fatal error or a stop). */
  public boolean running() {
    return "RUNNING".equals(lifecycle);
  }

  /** Committed entries not yet applied here. */
  public long applyLag() {
    return Math.max(0, commitIndex - appliedIndex);
  }
}
