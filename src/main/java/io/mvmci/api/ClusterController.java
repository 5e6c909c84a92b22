package io.mvmci.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mvmci.config.NodeConfig;
import io.mvmci.replication.RaftNode;
import io.mvmci.replication.RaftStatus;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code GET /api/v1/cluster}: this node's own view of the Raft group, read locally and at once (no
 * round trip, so it answers even when there is no quorum). Scripts and tests use it to find the
 * leader; it is a view, not a linearizable read: during an election two nodes may briefly disagree.
 */
@RestController
class ClusterController {
  private final RaftNode node;
  private final NodeConfig config;
  private final ClusterPeers peers;
  private final NodeReadiness readiness;
  private final MemberChanges changes;

  ClusterController(RaftNode node, NodeConfig config, ApiSecret secret, ObjectMapper json,
      NodeReadiness readiness, MemberChanges changes) {
    this.node = node;
    this.config = config;
    this.readiness = readiness;
    this.changes = changes;
    this.peers = new ClusterPeers(changes::known, secret.value(), json);
  }

  /**
   * @param members the group's members as Raft replicates them (not the configuration file's list):
   *     each with its role, {@code voter} or {@code listener} (a new member catching up), and its HTTP
   *     address where this node knows it (from its file, or a change made through it), else null
   * @param role {@code leader} or {@code follower} (a follower that knows no leader has a null
   *     {@code leaderId}: an election is under way, or it cannot reach the others)
   * @param state the Ratis life cycle of this node's division; anything but {@code RUNNING} means
   *     the node has stopped taking part
   * @param applyLag committed entries not yet applied here
   * @param ready whether the node's readiness probe passes; {@code notReady} says why not
   * @param snapshotIndex the log index of the latest snapshot this node holds (-1: none)
   * @param peers with {@code ?members=true}: each other member's own view, fetched from it now
   *     ({@code unreachable} with the reason if it did not answer within a second)
   */
  record View(int nodeId, String role, Integer leaderId, String leaderHttp, long term, long commitIndex,
      long appliedIndex, String state, List<MembersController.MemberView> members, long applyLag, boolean ready,
      @JsonInclude(JsonInclude.Include.NON_NULL) String notReady, long snapshotIndex, long snapshotsTaken,
      long snapshotsInstalled, @JsonInclude(JsonInclude.Include.NON_NULL) Long msSinceLeaderContact,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<JsonNode> peers) {}


  @GetMapping("/api/v1/cluster")
  View view(@RequestParam(required = false) String members) {
    boolean withPeers = HistoryController.flag("members", members);
    Integer leader = node.leaderId().orElse(null);
    String leaderHttp = leader == null ? null : changes.http(leader).map(Object::toString).orElse(null);
    RaftStatus status = node.status();
    String notReady = readiness.notReadyReason();
    var snapshot = node.stateMachine().getLatestSnapshot();
    return new View(node.selfId(), node.isLeader() ? "leader" : "follower", leader, leaderHttp,
        node.currentTerm(), node.commitIndex(), node.appliedIndex(), node.lifeCycle().name(),
        MembersController.view(changes, node.membership().current()).members(), status.applyLag(), notReady == null,
        notReady, snapshot == null ? -1L : snapshot.getIndex(), node.stateMachine().snapshotsTaken(),
        node.stateMachine().snapshotsInstalled(),
        status.msSinceLeaderContact() < 0 ? null : status.msSinceLeaderContact(),
        withPeers ? peers.views(node.selfId()) : null);
  }
}
