package io.mvmci.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The whole node configuration, immutable and already validated: every invariant documented on
 * the section records holds. Obtain one from {@link ConfigLoader}.
 *
 * <p>{@code toString()} is safe to log: secrets print as {@code <redacted, N chars>}.
 *
 * @param source where it came from: the config file path; without one, {@code environment} when
 *     environment variables set something, else {@code built-in defaults}
 */
public record NodeConfig(
    String source,
    NodeSection node,
    RaftSection raft,
    ApiSection api,
    WorkersSection workers,
    JobsSection jobs,
    ArtifactsSection artifacts) {

  public int nodeId() {
    return node.nodeId();
  }

  public Path dataDir() {
    return node.dataDir();
  }

  /** This node's own entry in {@code nodes}, with {@code HTTP_PORT} and {@code RAFT_PORT} applied. */
  public Member self() {
    return node.self();
  }

  /** Every member, this node included, in file order. */
  public List<Member> members() {
    return node.nodes();
  }

  /** Every member except this node, in file order. Empty for a single node. */
  public List<Member> peers() {
    return node.nodes().stream().filter(m -> m.id() != node.nodeId()).toList();
  }

  public boolean isSingleNode() {
    return node.nodes().size() == 1 && node.join().isEmpty();
  }

  /** {@code node.join}: a running cluster's member (HTTP host:port) this node joins, if it is new. */
  public Optional<HostPort> join() {
    return node.join().map(Addresses::hostPort);
  }

  /** Where the Raft server binds: {@code listen_addr_raft} and this member's raft port. */
  public HostPort raftBind() {
    return new HostPort(node.listenAddrRaft(), self().raft().port());
  }

  /** Where the HTTP server binds: {@code listen_addr_api} and this member's http port. */
  public HostPort httpBind() {
    return new HostPort(node.listenAddrApi(), self().http().port());
  }

  /** {@code node.secret_raft}. Never log it. */
  public Optional<String> secretRaft() {
    return node.secretRaft().map(Secret::reveal);
  }

  /** {@code node.secret_api}. Never log it. */
  public Optional<String> secretApi() {
    return node.secretApi().map(Secret::reveal);
  }

  /** {@code api.token}; empty means the public API takes no token. Never log it. */
  public Optional<String> apiToken() {
    return api.token().map(Secret::reveal);
  }
}
