package io.mvmci.replication;

import java.io.IOException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;

/**
 * The group's members as Ratis replicates them, and changing them with Ratis's
 * {@code setConfiguration}. The configuration lives in the Raft log (and in Ratis's
 * {@code raft-meta.conf} once a snapshot purged the entry), so a restarted node follows the
 * replicated members, not its configuration file.
 */
public final class Membership {
  interface DivisionSource {
    RaftServer.Division get() throws IOException;
  }

  private final int selfId;
  private final DivisionSource division;
  private final Supplier<RaftClient> client;
  /** Whether this node has been a member of the group it runs in (false only for a joiner not yet added). */
  private final AtomicBoolean admitted;

  Membership(int selfId, boolean admitted, DivisionSource division, Supplier<RaftClient> client) {
    this.selfId = selfId;
    this.admitted = new AtomicBoolean(admitted);
    this.division = division;
    this.client = client;
  }

  /** The configuration this node holds now. */
  public GroupMembers current() {
    try {
      RaftConfiguration conf = division.get().getRaftConf();
      return new GroupMembers(peers(conf.getCurrentPeers(RaftPeerRole.FOLLOWER)),
          peers(conf.getCurrentPeers(RaftPeerRole.LISTENER)), conf.getLogEntryIndex(),
          conf.getPreviousPeers().isEmpty());
    } catch (IOException | RuntimeException e) {
      return new GroupMembers(List.of(), List.of(), -1, false);
    }
  }

  private static List<RaftSettings.Peer> peers(Collection<RaftPeer> peers) {
    return peers.stream().map(p -> new RaftSettings.Peer(RaftNode.memberId(p.getId()), p.getAddress()))
        .sorted(Comparator.comparingInt(RaftSettings.Peer::id)).toList();
  }

  /**
   * Asks the leader to change the group to {@code voters} and {@code listeners}, if the group is
   * still {@code expected} (Ratis's compare-and-set: two changes at once cannot undo each other).
   * For a new voter Ratis stages the change: it catches the member up before it proposes the joint
   * configuration; this returns once the new configuration is committed.
   *
   * @throws ReplicationException if the leader refused it or could not be reached
   */
  public void change(GroupMembers expected, List<RaftSettings.Peer> voters, List<RaftSettings.Peer> listeners) {
    SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
        .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
        .setServersInCurrentConf(expected.voters().stream().map(RaftNode::raftPeer).toList())
        .setListenersInCurrentConf(expected.listeners().stream().map(RaftNode::raftPeer).toList())
        .setServersInNewConf(voters.stream().map(RaftNode::raftPeer).toList())
        .setListenersInNewConf(listeners.stream().map(RaftNode::raftPeer).toList())
        .build();
    try {
      RaftNode.checkReply(client.get().admin().setConfiguration(args));
    } catch (IOException e) {
      throw new ReplicationException("changing the members failed: " + e.getMessage(), e);
    }
  }

  /**
   * Whether this node has been removed from the group: it was a member (or started on storage of
   * its own), and the group's stable configuration no longer names it. A joiner that has not been
   * added yet is not removed.
   */
  public boolean removed() {
    GroupMembers now = current();
    if (now.index() < 0) {
      return false;
    }
    if (now.contains(selfId)) {
      admitted.set(true);
      return false;
    }
    return admitted.get() && now.stable();
  }

  /** Whether this node votes in the group's configuration (a joiner does once it has caught up). */
  public boolean isVoter() {
    return current().isVoter(selfId);
  }

  /** Whether the group's configuration names this node (false for a joiner still waiting to be added). */
  public boolean isMember() {
    return current().contains(selfId);
  }
}
