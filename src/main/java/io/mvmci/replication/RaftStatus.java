package io.mvmci.replication;

import java.io.IOException;
import java.util.Optional;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.LifeCycle;

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

  /** Reads {@code server}'s division now, and the state machine's applied index and lifecycle. */
  static RaftStatus of(int selfId, QueueStateMachine stateMachine, RaftServer server) {
    long dbApplied = stateMachine.databaseAppliedIndex();
    String smState = String.valueOf(stateMachine.getLifeCycleState());
    try {
      RaftServer.Division d = server.getDivision(RaftNode.GROUP_ID);
      DivisionInfo info = d.getInfo();
      RaftPeerId leader = info.getLeaderId();
      RoleInfoProto roleInfo = info.getRoleInfoProto();
      long sinceLeader = roleInfo.hasFollowerInfo() && roleInfo.getFollowerInfo().hasLeaderInfo()
          ? roleInfo.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs() : -1;
      return new RaftStatus(selfId, info.getCurrentRole().name(),
          info.getLifeCycleState().name(), smState, info.getCurrentTerm(),
          leader == null ? Optional.empty() : Optional.of(Integer.parseInt(leader.toString().substring(1))),
          info.isLeader() && info.isLeaderReady(), d.getRaftLog().getLastCommittedIndex(),
          info.getLastAppliedIndex(), dbApplied, sinceLeader);
    } catch (IOException e) {
      return new RaftStatus(selfId, "UNKNOWN", LifeCycle.State.CLOSED.name(), smState, -1,
          Optional.empty(), false, -1, -1, dbApplied, -1);
    }
  }
}
