package io.mvmci.replication;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * How a {@link RaftNode} is built from its {@link RaftSettings}: the port check before Ratis binds,
 * the {@link RaftProperties}, the group's peers, and the node's clients (the one that proposes and
 * reads, and the DataStream one).
 */
final class RaftNodeSetup {
  private RaftNodeSetup() {}

  /** Ratis answers a failed bind with System.exit(1); fail first, with a message that says why. */
  static void checkPortFree(String host, int port) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new IOException("cannot listen for Raft on " + host + ":" + port + " (listen_addr_raft and "
          + "this node's raft port in node.nodes): " + e.getMessage(), e);
    }
  }

  /** The file's members as Ratis peers, with their DataStream addresses when {@code streams} is on. */
  static List<RaftPeer> peers(RaftSettings settings, boolean streams) {
    return settings.peers().stream()
        .map(p -> {
          RaftPeer.Builder b = RaftPeer.newBuilder().setId(RaftNode.peerId(p.id())).setAddress(p.raftAddress());
          return streams ? b.setDataStreamAddress(p.streamAddress()).build() : b.build();
        })
        .toList();
  }

  /**
   * The client's view of the group: every member of the server's configuration (what Ratis
   * persisted, which wins over the file), and the file's members, this node included, so that a
   * node whose file is out of date still finds the leader and can read through itself.
   */
  static RaftClient client(RaftSettings settings, GroupMembers now, RaftProperties props, Parameters params) {
    java.util.Map<Integer, RaftPeer> peers = new java.util.TreeMap<>();
    settings.peers().forEach(p -> peers.put(p.id(), RaftNode.raftPeer(p)));
    now.voters().forEach(p -> peers.put(p.id(), RaftNode.raftPeer(p)));
    now.listeners().forEach(p -> peers.put(p.id(), RaftNode.raftPeer(p)));
    return RaftClient.newBuilder()
        .setProperties(props)
        .setParameters(params)
        .setRaftGroup(RaftGroup.valueOf(RaftNode.GROUP_ID, List.copyOf(peers.values())))
        // about 10 s of retries (the service's write timeout): long enough to ride out an election
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
            200, TimeDuration.valueOf(50, TimeUnit.MILLISECONDS)))
        .build();
  }

  /** The DataStream client: the file's members ({@code peers}), this node ({@code selfId}) the primary. */
  static RaftClient streamClient(RaftProperties props, Parameters params, List<RaftPeer> peers, RaftPeerId selfId) {
    return RaftClient.newBuilder()
        .setProperties(props)
        .setParameters(params)
        .setRaftGroup(RaftGroup.valueOf(RaftNode.GROUP_ID, peers))
        .setPrimaryDataStreamServer(peers.stream().filter(p -> p.getId().equals(selfId)).findFirst().orElseThrow())
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
            200, TimeDuration.valueOf(50, TimeUnit.MILLISECONDS)))
        .build();
  }

  static RaftProperties properties(RaftSettings s) {
    RaftProperties p = new RaftProperties();
    // Ratis's gRPC transport, with the leader's appenders where CommitNudge reaches them.
    RaftConfigKeys.Rpc.setType(p, new LeaderAppenders.Rpc());
    RaftServerConfigKeys.setStorageDir(p, List.of(s.raftDir().toFile()));
    GrpcConfigKeys.Server.setHost(p, s.bindHost());
    GrpcConfigKeys.Server.setPort(p, s.raftPort());
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(s.electionTimeoutMin().toMillis()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(s.electionTimeoutMax().toMillis()));
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, s.snapshotEveryEntries());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, s.snapshotsRetained());
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    // No commit-index metadata entry after every commit: it doubled the log (one per group-commit
    // entry), with its own fsync on each node, two appendEntries and an apply (a SQLite commit) on
    // each node. It only lets a restarted node apply up to the old commit index without a quorum;
    // entries are still fsynced on a majority before they commit. Followers hear of a commit from the
    // leader's heartbeat round instead (CommitNudge).
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, millis(s.requestTimeout().toMillis()));
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, millis(s.requestTimeout().toMillis()));
    // Ratis refuses to start unless its write buffer holds the largest entry the appender may send.
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(s.logEntryMaxBytes()));
    RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(s.logEntryMaxBytes() + 64L));
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(s.logSegmentBytes()));
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, appenderRetryPolicy(s.electionTimeoutMin()));
    // No pause before an append after a send (heartbeats count): CommitNudge's heartbeat after each
    // lone commit made the next sequential write wait ~1 ms. DESIGN.md, "Telling followers of a commit".
    RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p, TimeDuration.ZERO);
    s.ratisProperties().forEach(p::set);
    return p;
  }

  /**
   * How long the leader's log appender waits before it tries a follower again after a failed or
   * inconsistent append: ten quick retries, twenty after a quarter of the election timeout (half a
   * heartbeat) each, then half of it (a heartbeat) each, for as long as it keeps failing. Ratis's
   * default ({@code 1ms,10, 1s,20, 5s,1000}) sleeps 1 s, then 5 s, longer than our election timeout;
   * why that hurt and what this costs: DESIGN.md, "Retrying a follower".
   */
  static String appenderRetryPolicy(java.time.Duration electionTimeoutMin) {
    long quarter = Math.max(10, electionTimeoutMin.toMillis() / 4);
    return "1ms,10," + quarter + "ms,20," + 2 * quarter + "ms," + Integer.MAX_VALUE;
  }

  private static TimeDuration millis(long ms) {
    return TimeDuration.valueOf(ms, TimeUnit.MILLISECONDS);
  }
}
