package io.mvmci.ops.health;

import io.mvmci.replication.RaftStatus;
import java.util.Set;

/**
 * What a node's Raft state means for its probes. Pure: decides from a {@link RaftStatus} alone.
 *
 * <ul>
 *   <li><b>Live</b> unless the division is closing, closed or failed: a fatal apply error closes
 *       the Ratis server while the process and its ports stay up, and only a restart helps.</li>
 *   <li><b>Ready</b> when the division runs, the state machine runs (not paused for a snapshot
 *       install), a leader is known (a leader: its first entry of the term has committed), and this
 *       node has applied all but at most {@code maxApplyLag} of the entries it knows are committed.
 *       A follower that lost its leader and its majority keeps starting elections, and an election
 *       clears the known leader, so it turns not ready after one election timeout. A leader cut off
 *       from its majority steps down after Ratis's leader step-down wait (10 s by default).</li>
 * </ul>
 */
public final class RaftHealth {
  /** Committed entries a ready node may still have to apply (a busy follower is always a few behind). */
  public static final long DEFAULT_MAX_APPLY_LAG = 100;

  private static final Set<String> DEAD = Set.of("CLOSING", "CLOSED", "EXCEPTION");

  private RaftHealth() {}

  /** Whether the node should be restarted (false) or left alone (true). */
  public static boolean live(RaftStatus s) {
    return !DEAD.contains(s.lifecycle());
  }

  /** Why the node should not get traffic, or null when it should. */
  public static String notReadyReason(RaftStatus s, long maxApplyLag) {
    if (!s.running()) {
      return "the Raft division is " + s.lifecycle() + ", not RUNNING"
          + (live(s) ? "" : " (a fatal error stopped it; restart the node)");
    }
    if (!"RUNNING".equals(s.stateMachine())) {
      return "the state machine is " + s.stateMachine() + " (a snapshot is being installed)";
    }
    if (s.leaderId().isEmpty()) {
      return "no leader is known (an election is going on, or a majority of the members is unreachable)";
    }
    if (s.isLeader() && !s.leaderReady()) {
      return "this node was just elected and has not committed its first entry of term " + s.term();
    }
    if (s.applyLag() > maxApplyLag) {
      return "applied index " + s.appliedIndex() + " is " + s.applyLag() + " entries behind commit index "
          + s.commitIndex() + " (at most " + maxApplyLag + " allowed)";
    }
    return null;
  }
}
