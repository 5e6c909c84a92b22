package io.mvmci.replication;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a node needs to take part in the Raft group. Built from the node configuration by the caller;
 * this package does not read configuration files.
 *
 * @param selfId this node's id (1-based, as in the configuration)
 * @param peers every member, this node included
 * @param raftDir Ratis's storage (log, metadata, snapshot copies)
 * @param dbFile the live queue database, outside {@code raftDir}
 * @param bindHost the address the Raft port listens on
 * @param logEntryMaxBytes the largest log entry (a module deploy is one entry)
 * @param diskReserveBytes free space in the data directory below which the node refuses writes
 *     ({@link DiskGuard}); 0 refuses only when storage fails
 * @param secret the shared {@code secret_raft}; null runs plaintext (tests only)
 * @param ratisProperties raw Ratis keys applied last, for tuning beyond what the settings name
 * @param joining this node is new to a running group: with empty Raft storage it starts outside the
 *     group (Ratis's "initializing" state) and waits to be added as a listener; with storage, Ratis's
 *     persisted configuration decides and this flag is ignored
 */
public record RaftSettings(
    int selfId,
    List<Peer> peers,
    Path raftDir,
    Path dbFile,
    String bindHost,
    Duration electionTimeoutMin,
    Duration electionTimeoutMax,
    Duration requestTimeout,
    long snapshotEveryEntries,
    int snapshotsRetained,
    int readConnections,
    GroupCommitter.Limits groupCommit,
    int logEntryMaxBytes,
    long logSegmentBytes,
    long diskReserveBytes,
    String secret,
    Map<String, String> ratisProperties,
    boolean joining) {

  /**
   * A member: its id, the host:port of its Raft (gRPC) endpoint and of its DataStream (Netty)
   * endpoint; without stream addresses the group runs without DataStream.
   */
  public record Peer(int id, String raftAddress, String streamAddress) {
    public Peer {
      Objects.requireNonNull(raftAddress, "raftAddress");
    }

    public Peer(int id, String raftAddress) {
      this(id, raftAddress, null);
    }
  }

  public RaftSettings {
    peers = List.copyOf(peers);
    ratisProperties = Map.copyOf(ratisProperties);
    if (peers.stream().noneMatch(p -> p.id() == selfId)) {
      throw new IllegalArgumentException("node " + selfId + " is not among the peers " + peers);
    }
  }

  /** A node that founds or already belongs to its group (not {@link #joining()}). */
  public RaftSettings(int selfId, List<Peer> peers, Path raftDir, Path dbFile, String bindHost,
      Duration electionTimeoutMin, Duration electionTimeoutMax, Duration requestTimeout,
      long snapshotEveryEntries, int snapshotsRetained, int readConnections, GroupCommitter.Limits groupCommit,
      int logEntryMaxBytes, long logSegmentBytes, long diskReserveBytes, String secret,
      Map<String, String> ratisProperties) {
    this(selfId, peers, raftDir, dbFile, bindHost, electionTimeoutMin, electionTimeoutMax, requestTimeout,
        snapshotEveryEntries, snapshotsRetained, readConnections, groupCommit, logEntryMaxBytes, logSegmentBytes,
        diskReserveBytes, secret, ratisProperties, false);
  }

  public Peer self() {
    return peers.stream().filter(p -> p.id() == selfId).findFirst().orElseThrow();
  }

  public int raftPort() {
    String a = self().raftAddress();
    return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
  }
}
