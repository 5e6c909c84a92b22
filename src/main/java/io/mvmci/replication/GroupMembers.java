package io.mvmci.replication;

import java.util.List;

/**
 * The group's configuration as one node holds it (the latest one in its log, committed or not).
 *
 * @param voters the members that vote and count toward the quorum
 * @param listeners non-voting members that receive and apply the log (a new member catching up)
 * @param index the log index the configuration was written at (-1: the node cannot tell)
 * @param stable false while a change is between its old and new configurations
 */
public record GroupMembers(List<RaftSettings.Peer> voters, List<RaftSettings.Peer> listeners, long index,
    boolean stable) {

  public GroupMembers {
    voters = List.copyOf(voters);
    listeners = List.copyOf(listeners);
  }

  public boolean contains(int id) {
    return isVoter(id) || listeners.stream().anyMatch(p -> p.id() == id);
  }

  public boolean isVoter(int id) {
    return voters.stream().anyMatch(p -> p.id() == id);
  }
}
