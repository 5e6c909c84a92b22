package io.mvmci.replication.tls;

import io.mvmci.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.TimeDuration;

/**
 * Bare Ratis servers in this JVM, on free loopback ports ({@link FreePorts}), each with its own
 * storage and TLS configuration (or none), running a {@link CounterStateMachine}. Closes everything
 * it started.
 *
 * <p>A kind of its own, beside {@code replication.RaftCluster}: the TLS tests need servers
 * the product would never build (plaintext, a stranger's certificate, a client that trusts anyone,
 * members that join by reconfiguration), and a state machine that cannot be the reason a handshake
 * fails. {@code RaftCluster} runs the product's own {@code RaftNode} and cannot build those.
 */
final class TlsCluster implements AutoCloseable {
  /** A client policy for calls that must fail: few attempts, short pauses, never forever. */
  static final RetryPolicy FAIL_FAST =
      RetryPolicies.retryUpToMaximumCountWithFixedSleep(3, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));
  /** A client policy for calls that must succeed once a leader exists. */
  static final RetryPolicy PATIENT =
      RetryPolicies.retryUpToMaximumCountWithFixedSleep(60, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));

  final RaftGroupId groupId = RaftGroupId.randomId();
  private final Path root;
  private final List<Node> nodes = new ArrayList<>();
  private final List<RaftClient> clients = new ArrayList<>();

  TlsCluster(Path root) {
    this.root = root;
  }

  /** A running server and its state machine. */
  record Node(RaftPeer peer, RaftServer server, CounterStateMachine sm, RaftGroupId groupId) {
    long value() {
      return sm.value();
    }

    RaftServer.Division division() {
      try {
        return server.getDivision(groupId);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    boolean isLeader() {
      return division().getInfo().isLeader();
    }

    /** True while this server's log holds no entry at all (not even a configuration entry). */
    boolean logIsEmpty() {
      return division().getRaftLog().getLastEntryTermIndex() == null;
    }
  }

  static RaftPeer newPeer(String id) {
    return RaftPeer.newBuilder().setId(id).setAddress(FreePorts.loopbackAddress()).build();
  }

  RaftGroup group(RaftPeer... peers) {
    return RaftGroup.valueOf(groupId, peers);
  }

  /** Starts a server; {@code tls == null} means plaintext gRPC, as Ratis does without TLS. */
  Node start(RaftPeer peer, RaftGroup group, RaftTls tls) throws IOException {
    RaftProperties props = new RaftProperties();
    Path dir = Files.createDirectories(root.resolve(groupId + "-" + peer.getId()));
    RaftServerConfigKeys.setStorageDir(props, List.of(dir.toFile()));
    GrpcConfigKeys.Server.setHost(props, "127.0.0.1");
    GrpcConfigKeys.Server.setPort(props, Integer.parseInt(peer.getAddress().split(":")[1]));
    RaftServerConfigKeys.Rpc.setTimeoutMin(props, TimeDuration.valueOf(400, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(props, TimeDuration.valueOf(800, TimeUnit.MILLISECONDS));
    Parameters params = tls == null ? new Parameters() : tls.configure(props, new Parameters());
    CounterStateMachine sm = new CounterStateMachine();
    RaftServer server = RaftServer.newBuilder()
        .setServerId(peer.getId())
        .setGroup(group)
        .setStateMachine(sm)
        .setProperties(props)
        .setParameters(params)
        .build();
    server.start();
    Node node = new Node(peer, server, sm, groupId);
    nodes.add(node);
    return node;
  }

  /** A client of this cluster's group; {@code tls == null} means a plaintext client. */
  RaftClient client(RaftGroup group, RaftTls tls, RetryPolicy retry) {
    RaftProperties props = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(2, TimeUnit.SECONDS));
    Parameters params = tls == null ? new Parameters() : tls.configure(props, new Parameters());
    RaftClient client = RaftClient.newBuilder()
        .setRaftGroup(group)
        .setProperties(props)
        .setParameters(params)
        .setRetryPolicy(retry)
        .build();
    clients.add(client);
    return client;
  }

  @Override
  public void close() {
    for (RaftClient c : clients) {
      try {
        c.close();
      } catch (IOException | RuntimeException ignored) {
        // best effort: the test's outcome is already decided
      }
    }
    for (Node n : nodes) {
      try {
        n.server().close();
      } catch (IOException | RuntimeException ignored) {
        // best effort
      }
    }
  }
}
