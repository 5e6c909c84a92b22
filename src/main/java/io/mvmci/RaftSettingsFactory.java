package io.mvmci;

import io.mvmci.config.NodeConfig;
import io.mvmci.config.RaftSection;
import io.mvmci.replication.GroupCommitter;
import io.mvmci.replication.RaftSettings;
import io.mvmci.replication.RaftNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.time.Duration;
import java.util.Map;

/** Maps the node configuration onto what the replication layer needs. */
final class RaftSettingsFactory {
  private RaftSettingsFactory() {}

  /**
   * A node with a {@code node.join} and no Raft storage yet is a joiner: its peers are the members the
   * cluster names (and itself), and it starts outside the group. Once it has storage, the
   * configuration Ratis persisted decides who the members are, whatever the file says.
   */
  static RaftSettings from(NodeConfig config) throws IOException {
    RaftSection r = config.raft();
    Path raftDir = config.dataDir().resolve("raft");
    boolean joining = config.join().isPresent() && !RaftNode.hasStorage(raftDir);
    Map<Integer, RaftSettings.Peer> peers = new TreeMap<>();
    if (joining) {
      ClusterJoin.members(config.join().get(), NodeSecrets.api(config)).forEach(p -> peers.put(p.id(), p));
    } else {
      // with their DataStream addresses (artifacts); a joiner learns none, and streams nothing
      config.members().forEach(m -> peers.put(m.id(),
          new RaftSettings.Peer(m.id(), m.raft().toString(), m.streamEndpoint().toString())));
    }
    peers.putIfAbsent(config.nodeId(), new RaftSettings.Peer(config.nodeId(), config.self().raft().toString()));
    return new RaftSettings(
        config.nodeId(),
        List.copyOf(peers.values()),
        raftDir,
        config.dataDir().resolve("db").resolve("queue.sqlite"),
        config.raftBind().host(),
        Duration.ofMillis(r.electionTimeoutMinMs()),
        Duration.ofMillis(r.electionTimeoutMaxMs()),
        Duration.ofMillis(r.rpcTimeoutMs()),
        r.snapshotAutoTriggerEntries(),
        r.snapshotRetention(),
        4,
        new GroupCommitter.Limits(r.groupCommitMaxBatch(), r.groupCommitMaxBytes(),
            GroupCommitter.Limits.DEFAULT.maxInFlight(), GroupCommitter.Limits.DEFAULT.maxQueued()),
        r.logEntryMaxBytes(),
        r.logSegmentSizeBytes(),
        r.minFreeDiskMb() * 1024L * 1024,
        NodeSecrets.raft(config),
        ratisProperties(r),
        joining);
  }

  /** Raw Ratis keys for what the section names beyond RaftSettings: the read lease. */
  static Map<String, String> ratisProperties(RaftSection r) {
    return r.readLease()
        ? Map.of(org.apache.ratis.server.RaftServerConfigKeys.Read.LEADER_LEASE_ENABLED_KEY, "true")
        : Map.of();
  }
}
