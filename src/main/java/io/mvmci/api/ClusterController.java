package io.mvmci.api;

import io.mvmci.config.Member;
import io.mvmci.config.NodeConfig;
import io.mvmci.replication.RaftNode;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/cluster}: this node's own view of the Raft group, read locally and at once (no
 * round trip, so it answers even when there is no quorum). Scripts and tests use it to find the
 * leader; it is a view, not a linearizable read: during an election two nodes may briefly disagree.
 */
@RestController
class ClusterController {
  private final RaftNode node;
  private final NodeConfig config;

  ClusterController(RaftNode node, NodeConfig config) {
    this.node = node;
    this.config = config;
  }

  /**
   * @param role {@code leader} or {@code follower} (a follower that knows no leader has a null
   *     {@code leaderId}: an election is under way, or it cannot reach the others)
   * @param state the Ratis life cycle of this node's division; anything but {@code RUNNING} means
   *     the node has stopped taking part
   */
  record View(int nodeId, String role, Integer leaderId, String leaderHttp, long term, long commitIndex,
      long appliedIndex, String state, List<MemberView> members) {}

  record MemberView(int id, String raft, String http) {}

  @GetMapping("/api/v1/cluster")
  View view() {
    Integer leader = node.leaderId().orElse(null);
    String leaderHttp = config.members().stream().filter(m -> leader != null && m.id() == leader)
        .map(m -> m.http().toString()).findFirst().orElse(null);
    return new View(node.selfId(), node.isLeader() ? "leader" : "follower", leader, leaderHttp,
        node.currentTerm(), node.commitIndex(), node.appliedIndex(), node.lifeCycle().name(),
        config.members().stream().map(ClusterController::member).toList());
  }

  private static MemberView member(Member m) {
    return new MemberView(m.id(), m.raft().toString(), m.http().toString());
  }
}
