package io.mvmci.replication;

import io.mvmci.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The product's Raft nodes ({@link RaftNode}: Ratis, the queue state machine, SQLite) in this JVM
 * without Spring or HTTP, on free loopback ports ({@link FreePorts}), each with its own directory.
 *
 * <p>A kind of its own, between the bare Ratis servers of the TLS tests
 * ({@code replication.tls.TlsCluster}) and whole nodes ({@code testing.TestNode}): replication tests
 * stop, restart and inspect a node's Raft server and state machine directly, with settings no
 * configuration file can give (tiny log segments, a snapshot every few entries), and start in
 * milliseconds rather than seconds.
 */
final class RaftCluster implements AutoCloseable {
  final List<RaftSettings.Peer> peers;
  private final Path dir;
  private final long snapshotEvery;
  private final Duration electionMin;
  private final Duration electionMax;
  private final RaftNode[] nodes;
  private final Map<String, String> ratis = new java.util.HashMap<>(
      // small segments and gap, so that a few hundred entries are enough to purge the log
      Map.of("raft.server.log.segment.size.max", "8KB", "raft.server.log.purge.gap", "4"));

  RaftCluster(Path dir, int size, long snapshotEvery) {
    this(dir, size, snapshotEvery, Duration.ofMillis(500), Duration.ofMillis(1000));
  }

  /** With an election timeout of its own (Ratis heartbeats every half of {@code electionMin}). */
  RaftCluster(Path dir, int size, long snapshotEvery, Duration electionMin, Duration electionMax) {
    this.dir = dir;
    this.snapshotEvery = snapshotEvery;
    this.electionMin = electionMin;
    this.electionMax = electionMax;
    this.peers = IntStream.rangeClosed(1, size)
        .mapToObj(i -> new RaftSettings.Peer(i, FreePorts.loopbackAddress()))
        .toList();
    this.nodes = new RaftNode[size];
  }

  RaftSettings settings(int id) {
    Path home = dir.resolve("node" + id);
    return new RaftSettings(id, peers, home.resolve("raft"), home.resolve("db/queue.sqlite"),
        "127.0.0.1", electionMin, electionMax, Duration.ofSeconds(3), snapshotEvery,
        2, 2, GroupCommitter.Limits.DEFAULT, 4 << 20, 64L << 20, 0, "cluster-test-secret-0123456789", ratis);
  }

  /** Raw Ratis keys for every node started from now on. */
  RaftCluster withRatis(Map<String, String> keys) {
    ratis.putAll(keys);
    return this;
  }

  RaftCluster startAll() {
    for (int i = 1; i <= nodes.length; i++) {
      start(i);
    }
    return this;
  }

  RaftNode start(int id) {
    try {
      nodes[id - 1] = RaftNode.start(settings(id), ApplyListener.NONE);
      return nodes[id - 1];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void stop(int id) throws IOException {
    RaftNode n = nodes[id - 1];
    nodes[id - 1] = null;
    if (n != null) {
      n.close();
    }
  }

  RaftNode node(int id) {
    return nodes[id - 1];
  }

  List<RaftNode> running() {
    List<RaftNode> out = new ArrayList<>();
    for (RaftNode n : nodes) {
      if (n != null) {
        out.add(n);
      }
    }
    return out;
  }

  Optional<RaftNode> leader() {
    return running().stream().filter(RaftNode::isLeader).findFirst();
  }

  @Override
  public void close() throws IOException {
    for (int i = 1; i <= nodes.length; i++) {
      stop(i);
    }
  }
}
