package io.mvmci.config;

/**
 * One member of the cluster, from an entry of {@code node.nodes}: {@code "id raft_addr
 * http_addr [stream_addr]"}.
 *
 * @param id the Raft peer id, at least 1, unique in the cluster
 * @param raft where peers reach this member's Raft server
 * @param http where peers, workers and clients reach this member's HTTP API
 * @param stream where peers reach this member's DataStream (artifact bytes) server; null when the
 *     entry has no fourth part: then the Raft port + 1 ({@link #streamEndpoint()})
 */
public record Member(int id, HostPort raft, HostPort http, HostPort stream) {

  public Member(int id, HostPort raft, HostPort http) {
    this(id, raft, http, null);
  }

  /** The DataStream endpoint: as written, or the Raft host with the Raft port + 1. */
  public HostPort streamEndpoint() {
    return stream != null ? stream : raft.withPort(raft.port() < 65535 ? raft.port() + 1 : raft.port() - 1);
  }

  /** The entry as it would be written in {@code node.nodes}. */
  public String toEntry() {
    return id + " " + raft + " " + http + (stream == null ? "" : " " + stream);
  }
}
