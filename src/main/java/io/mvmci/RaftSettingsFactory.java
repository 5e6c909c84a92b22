package io.mvmci;

import io.mvmci.config.NodeConfig;
import io.mvmci.config.RaftSection;
import io.mvmci.replication.GroupCommitter;
import io.mvmci.replication.RaftSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/** Maps the node configuration onto what the replication layer needs. */
final class RaftSettingsFactory {
  private RaftSettingsFactory() {}

  static RaftSettings from(NodeConfig config) throws IOException {
    RaftSection r = config.raft();
    return new RaftSettings(
        config.nodeId(),
        config.members().stream()
            .map(m -> new RaftSettings.Peer(m.id(), m.raft().toString(), m.streamEndpoint().toString()))
            .toList(),
        config.dataDir().resolve("raft"),
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
        Map.of());
  }
}
