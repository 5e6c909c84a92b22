package io.mvmci.replication;

import java.io.IOException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;

/**
 * The group's members as Ratis replicates them, and changing them with Ratis's
 * {@code setConfiguration}. The configuration lives in the Raft log (and in Ratis's
 * {@code raft-meta.conf} once a snapshot purged the entry), so a restarted node follows the
 * replicated members, not its configuration file. Also hands leadership over before a planned stop.
 */
public final class Membership {
  /** How a handover before a planned stop ended. */
  public enum Handover {
    /** Another member leads now. */
    MOVED,
    /** The followers this leader still reaches are no majority of the voters: nothing was tried. */
    NO_MAJORITY_REACHED,
    /** No follower took leadership in time. */
    FAILED
  }

  interface DivisionSource {
    RaftServer.Division get() throws IOException;
  }

  private final int selfId;
  private final DivisionSource division;
  private final Supplier<RaftClient> client;
  /** Whether Ratis closed the division because the group no longer has this node. */
  private final java.util.function.BooleanSupplier toldRemoved;
  /** Whether this node has been a member of the group it runs in (false only for a joiner not yet added). */
  private final AtomicBoolean admitted;
  /** The configuration last read, for when the division is gone. */
  private volatile GroupMembers last;

  Membership(int selfId, boolean admitted, DivisionSource division, Supplier<RaftClient> client,
      java.util.function.BooleanSupplier toldRemoved) {
    this.selfId = selfId;
    this.toldRemoved = toldRemoved;
    this.admitted = new AtomicBoolean(admitted);
    this.division = division;
    this.client = client;
  }

  /** The configuration this node holds now. */
  public GroupMembers current() {
    try {
      RaftConfiguration conf = division.get().getRaftConf();
      GroupMembers g = new GroupMembers(peers(conf.getCurrentPeers(RaftPeerRole.FOLLOWER)),
          peers(conf.getCurrentPeers(RaftPeerRole.LISTENER)), conf.getLogEntryIndex(),
          conf.getPreviousPeers().isEmpty());
      if (g.isVoter(selfId)) {
        admitted.set(true);
      }
      last = g;
      return g;
    } catch (IOException | RuntimeException e) {
      GroupMembers seen = last;
      return seen != null ? seen : new GroupMembers(List.of(), List.of(), -1, false);
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
   * configuration; this returns once the new configuration is committed and this node holds it.
   *
   * @throws MembershipConflictException if the group's configuration was no longer {@code expected}
   * @throws ReplicationException if the leader refused it otherwise or could not be reached
   */
  public void change(GroupMembers expected, List<RaftSettings.Peer> voters, List<RaftSettings.Peer> listeners) {
    SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
        .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
        .setServersInCurrentConf(expected.voters().stream().map(RaftNode::raftPeer).toList())
        .setListenersInCurrentConf(expected.listeners().stream().map(RaftNode::raftPeer).toList())
        .setServersInNewConf(voters.stream().map(RaftNode::raftPeer).toList())
        .setListenersInNewConf(listeners.stream().map(RaftNode::raftPeer).toList())
        .build();
    RuntimeException failure = null;
    try {
      RaftRequests.checkReply(client.get().admin().setConfiguration(args));
    } catch (IOException | RuntimeException e) {
      // The client retries a request whose answer it did not get; the retry of a change that was
      // made fails the compare-and-set. Whether it was made is what this node's log says.
      failure = MembershipConflictException.isConflict(e)
          ? new MembershipConflictException("the members changed meanwhile, or another change is in progress"
              + " (now " + current() + "); nothing was changed: read them again and retry", e)
          : new ReplicationException("changing the members failed: " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(failure == null ? 30 : 5);
    while (!matches(current(), voters, listeners)) {
      if (System.nanoTime() > deadline) {
        throw failure != null ? failure : new ReplicationException("the members changed, but this node has not "
            + "seen the new configuration yet: " + current(), (Throwable) null);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ReplicationException("interrupted waiting for the new configuration", e);
      }
    }
  }

  /**
   * Makes listener {@code id} a voter, taking {@code replacing} out in the same change if given. In
   * place, in one change: the member never leaves the configuration. (It used to leave and come back
   * through Ratis's staging; in that gap the leader sent it nothing, and a joiner whose election
   * timeout ran out there found itself outside its configuration and Ratis closed it for good.)
   * Ratis counts a member caught up only when it staged it or when a leader starts, so the leader
   * that promoted it keeps sending it "initializing" appends and it cannot vote; leadership is then
   * handed to another voter, whose term starts with every member caught up.
   */
  public void promote(int id, java.util.Optional<Integer> replacing) {
    GroupMembers asListener = current();
    RaftSettings.Peer peer = asListener.listeners().stream().filter(p -> p.id() == id).findFirst()
        .orElseThrow(() -> new IllegalStateException("member " + id + " is not a listener: " + asListener));
    List<RaftSettings.Peer> voters = new java.util.ArrayList<>(asListener.voters());
    replacing.ifPresent(old -> voters.removeIf(p -> p.id() == old));
    voters.add(peer);
    change(asListener, voters, asListener.listeners().stream().filter(p -> p.id() != id).toList());
    newLeaderAfterPromoting(id, voters);
  }

  /** Hands leadership from the leader that promoted {@code promoted} to another voter (best effort). */
  private void newLeaderAfterPromoting(int promoted, List<RaftSettings.Peer> voters) {
    RaftPeerId leader;
    try {
      leader = division.get().getInfo().getLeaderId();
    } catch (IOException e) {
      return;
    }
    for (RaftSettings.Peer p : voters) {
      RaftPeerId target = RaftNode.peerId(p.id());
      if (p.id() == promoted || target.equals(leader)) {
        continue;
      }
      try {
        if (client.get().admin().transferLeadership(target, 10_000).isSuccess()) {
          return;
        }
      } catch (IOException | RuntimeException e) {
        // the next voter, if any
      }
    }
  }

  /** Whether {@code g} is stable with these voters and listeners (by id). */
  static boolean matches(GroupMembers g, List<RaftSettings.Peer> voters, List<RaftSettings.Peer> listeners) {
    return g.stable() && ids(g.voters()).equals(ids(voters)) && ids(g.listeners()).equals(ids(listeners));
  }

  private static java.util.Set<Integer> ids(List<RaftSettings.Peer> peers) {
    return peers.stream().map(RaftSettings.Peer::id).collect(java.util.stream.Collectors.toSet());
  }

  /**
   * Whether this node has been removed from the group: it was a voter (or started on storage of
   * its own), and the group's stable configuration no longer names it, or the new half of a joint
   * one does not and Ratis has shut the division down (as the leader tells a removed member), or Ratis
   * closed the division because the leader said it was removed (a voter removed while it was down).
   * A joiner that has not been added yet, or a listener taken out again, is not removed: it waits to
   * be added.
   */
  public boolean removed() {
    GroupMembers now = current();
    // A voter removed while it was down comes back with a configuration that names it; the leader's
    // answer to its vote request is all that says otherwise, and Ratis then closes its division.
    if (admitted.get() && toldRemoved.getAsBoolean()) {
      return true;
    }
    if (now.index() < 0) {
      return false;
    }
    if (now.isVoter(selfId)) {
      admitted.set(true);
    }
    if (now.contains(selfId)) {
      return false;
    }
    // The leader stops sending to a removed follower before it appends the new configuration, so
    // the follower usually holds the joint one, whose new half leaves it out; when it then asks for
    // votes, the leader tells it to shut down, and Ratis closes its division.
    return admitted.get() && (now.stable() || divisionClosed());
  }

  private boolean divisionClosed() {
    try {
      return division.get().getInfo().getLifeCycleState().isClosingOrClosed();
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  /** Whether this node votes in the group's configuration (a joiner does once it has caught up). */
  public boolean isVoter() {
    return current().isVoter(selfId);
  }

  /** Whether the group's configuration names this node (false for a joiner still waiting to be added). */
  public boolean isMember() {
    return current().contains(selfId);
  }

  /**
   * Hands leadership to another member if this node leads, before a planned stop, so that the
   * group has a leader again in about one round trip instead of an election timeout. Followers
   * are tried in the order the leader last heard from them; each gets what is left of
   * {@code timeoutMs}. Ratis makes the target catch up first, then tells it to start an election
   * at once. Best effort: returns {@link Handover#MOVED} if another member leads now.
   *
   * <p>Only voters that answered within the maximum election timeout count (Ratis's own measure
   * of a follower it reaches; one that did not is stopped, paused or cut off, and a transfer to it
   * would only wait out its timeout). If those are no majority of the group, nothing is tried: once
   * this node stops, no leader could commit anyway, so the handover would only delay the stop
   * ({@link Handover#NO_MAJORITY_REACHED}).
   */
  public Handover transferLeadership(long timeoutMs) {
    GroupMembers members = current();
    if (!isLeader() || members.voters().size() < 2) {
      return Handover.FAILED;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    List<RaftPeerId> targets;
    try {
      RaftServer.Division d = division.get();
      long answeredWithinMs = RaftServerConfigKeys.Rpc.timeoutMax(d.getRaftServer().getProperties())
          .toLong(TimeUnit.MILLISECONDS);
      RoleInfoProto role = d.getInfo().getRoleInfoProto();
      targets = role.getLeaderInfo().getFollowerInfoList().stream()
          .filter(f -> f.getLastRpcElapsedTimeMs() < answeredWithinMs)
          .sorted(Comparator.comparingLong(f -> f.getLastRpcElapsedTimeMs()))
          .map(f -> RaftPeerId.valueOf(f.getId().getId()))
          .filter(id -> members.isVoter(RaftNode.memberId(id)))
          .toList();
    } catch (IOException e) {
      return Handover.FAILED;
    }
    if (targets.size() < members.voters().size() / 2 + 1) {
      return Handover.NO_MAJORITY_REACHED;
    }
    for (RaftPeerId target : targets) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0 || !isLeader()) {
        break;
      }
      try {
        RaftClientReply reply = client.get().admin().transferLeadership(target, left);
        if (reply.isSuccess()) {
          return Handover.MOVED;
        }
      } catch (IOException | RuntimeException e) {
        // try the next follower; the others elect a leader after the election timeout anyway
      }
    }
    return isLeader() ? Handover.FAILED : Handover.MOVED;
  }

  private boolean isLeader() {
    try {
      return division.get().getInfo().isLeader();
    } catch (IOException e) {
      return false;
    }
  }
}
