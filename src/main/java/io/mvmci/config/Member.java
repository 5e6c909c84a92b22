package io.mvmci.config;

/**
 * One member of the cluster, from an entry of {@code node.nodes}: {@code "id raft_addr
 * http_addr"}.
 *
 * @param id the Raft peer id, at least 1, unique in the cluster
 * @param raft where peers reach this member's Raft server
 * @param http where peers, workers and clients reach this member's HTTP API
 */
public record Member(int id, HostPort raft, HostPort http) {

  /** The entry as it would be written in {@code node.nodes}. */
  public String toEntry() {
    return id + " " + raft + " " + http;
  }
}
