package io.mvmci.replication;

import io.mvmci.command.Command;
import io.mvmci.command.Result;
import io.mvmci.command.ResultCodec;
import io.mvmci.replication.tls.RaftTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.LifeCycle;

/**
 * This node's membership in the Raft group: the Ratis server, the state machine, and the client that
 * proposes this node's commands and asks for read indexes. Writes go to the leader wherever it is
 * (the client follows redirects; {@link RaftRequests} has the paths a request takes); reads are served
 * from the local database after a {@link #readBarrier() barrier}.
 */
public final class RaftNode implements AutoCloseable {

  static {
    AsyncPool.ensure();
  }

  /** All mvm-ci clusters use one group id; a node belongs to exactly one group. */
  static final RaftGroupId GROUP_ID =
      RaftGroupId.valueOf(UUID.nameUUIDFromBytes("mvm-ci/queue".getBytes(StandardCharsets.UTF_8)));

  private final RaftSettings settings;
  private final QueueStateMachine stateMachine;
  private final RaftServer server;
  private final RaftProperties props;
  private final Parameters params;
  /** Built once the server has started, from its configuration (see {@link #clientGroup()}). */
  private volatile ForwardingClient client;
  /** Whether this node has been a member of the group it runs in (false only for a joiner not yet added). */
  private final Membership membership;
  private final GroupCommitter committer;
  private final ReadBarrier barrier;
  private final DiskGuard disk;
  /** Whether DataStream is on (every member has a stream address), and its client (primary: this node). */
  private final boolean streams;
  private final RaftClient streamClient;
  /** Tells followers of a lone commit (applied entries pass through it). */
  private final CommitNudge nudge;

  private RaftNode(RaftSettings settings, ApplyListener listener) throws IOException {
    this.settings = settings;
    RaftPeerId selfId = peerId(settings.selfId());
    this.streams = DataStreams.enabled(settings);
    // A joiner with empty storage starts with an empty group (Ratis accepts a group without this
    // node only when it is empty); Ratis then waits, in its "initializing" state, until a leader
    // sends it a configuration that names it. Its client knows the members it was told of.
    boolean joiningNow = settings.joining() && !hasStorage(settings.raftDir());
    List<RaftPeer> peers = RaftNodeSetup.peers(settings, streams);
    RaftGroup group = RaftGroup.valueOf(GROUP_ID, joiningNow ? List.of() : peers);
    this.props = RaftNodeSetup.properties(settings);
    RaftTls tls = settings.secret() == null ? null : RaftTls.fromSecret(settings.secret());
    this.params = tls == null ? new Parameters() : tls.configure(props, new Parameters());
    LeaderAppenders appenders = LeaderAppenders.in(params);
    if (streams) {
      DataStreams.configure(settings, props, params, tls == null ? null : tls.grpcTlsConfig());
    }
    java.nio.file.Files.createDirectories(settings.raftDir());
    java.nio.file.Files.createDirectories(settings.dbFile().getParent());
    this.disk = new DiskGuard(settings.selfId(), List.of(settings.raftDir(), settings.dbFile().getParent()),
        settings.diskReserveBytes());
    this.nudge = CommitNudge.onLeader(settings.selfId(), listener, this::division, appenders);
    this.stateMachine = new QueueStateMachine(settings.dbFile(), settings.readConnections(), nudge, disk);
    this.membership = new Membership(settings.selfId(), !joiningNow, this::division,
        () -> client.current(), stateMachine::toldRemoved);
    this.server = RaftServer.newBuilder()
        .setServerId(selfId)
        .setGroup(group)
        .setStateMachine(stateMachine)
        .setProperties(props)
        .setParameters(params)
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
    // The stream client's group is the file's members with their stream addresses: a member added at
    // runtime (cluster add) is not streamed to until the nodes' files name it (artifact/DESIGN.md).
    this.streamClient = !streams || joiningNow ? null : RaftNodeSetup.streamClient(props, params, peers, selfId);
    RaftRequests requests = new RaftRequests(server, selfId, this::isLeader, () -> client);
    this.committer = new GroupCommitter(requests::propose, ResultCodec::decodeAsProposed, settings.groupCommit());
    this.barrier = new ReadBarrier(requests::readIndex);
  }

  public static RaftNode start(RaftSettings settings, ApplyListener listener) throws IOException {
    RaftNodeSetup.checkPortFree(settings.bindHost(), settings.raftPort());
    RaftNode node = new RaftNode(settings, listener);
    node.disk.onLogFailed(node::stopServer);
    node.disk.start();
    try {
      node.server.start();
      node.client = new ForwardingClient(
          () -> RaftNodeSetup.client(node.settings, node.groupMembers(), node.props, node.params));
    } catch (IOException | RuntimeException e) {
      node.disk.close();
      throw e;
    }
    return node;
  }

  static RaftPeerId peerId(int id) {
    return RaftPeerId.valueOf("n" + id);
  }

  static int memberId(RaftPeerId id) {
    return Integer.parseInt(id.toString().substring(1));
  }

  static RaftPeer raftPeer(RaftSettings.Peer p) {
    return RaftPeer.newBuilder().setId(peerId(p.id())).setAddress(p.raftAddress()).build();
  }

  /** Whether {@code raftDir} holds this group's Raft storage (a node that has run before). */
  public static boolean hasStorage(java.nio.file.Path raftDir) {
    return java.nio.file.Files.isDirectory(raftDir.resolve(GROUP_ID.getUuid().toString()));
  }

  /**
   * Proposes one command through group commit; completes with its result once committed. While this
   * node cannot store writes ({@link DiskGuard}) it fails at once, with the reason, and proposes nothing.
   */
  public CompletableFuture<Result> submit(Command command) {
    Optional<String> refusal = disk.refusal();
    if (refusal.isPresent()) {
      return CompletableFuture.failedFuture(new ReplicationException(refusal.get(), true));
    }
    return committer.submit(command);
  }

  /** Whether bulk bytes can be streamed ({@link #stream}): every member has a DataStream address. */
  public boolean streamsEnabled() {
    return streams;
  }

  /** The other members whose DataStream port answers now (a probe of {@code timeoutMs} each). */
  public List<Integer> reachableStreamPeers(int timeoutMs) {
    return streams ? DataStreams.reachable(settings, timeoutMs) : List.of();
  }

  /**
   * Streams {@code file} to this node and to {@code others} by Ratis DataStream (each member's
   * {@link BulkReceiver} keeps it), then commits {@code header} through the log and returns its
   * result. Blocks the caller. Refused like {@link #submit} while this node cannot store writes.
   */
  public Result stream(Command header, java.nio.file.Path file, List<Integer> others) throws IOException {
    if (!streams || streamClient == null) {
      throw new IllegalStateException(streams ? "this node joined at runtime and has no stream addresses yet"
          : "DataStream is off: not every member has a stream address");
    }
    Optional<String> refusal = disk.refusal();
    if (refusal.isPresent()) {
      throw new ReplicationException(refusal.get(), true);
    }
    return DataStreams.stream(streamClient, settings.selfId(), others, settings.peers().size(), header, file);
  }

  /** Whether this node can store writes, and why not (see {@link DiskGuard}). */
  public DiskGuard.Status disk() {
    return disk.status();
  }

  /** After the Raft log failed: this node leaves the group until it is restarted, as after a fatal apply. */
  private void stopServer() {
    try {
      server.close();
    } catch (IOException | RuntimeException e) {
      // stopping anyway; health reports the division closed
    }
  }

  /** Completes when a read of the local database is linearizable (see {@link ReadBarrier}). */
  public CompletableFuture<Void> readBarrier() {
    return barrier.await();
  }

  /** How many read barriers this node's callers have asked for since it started. */
  public long readBarriersRequested() {
    return barrier.requested();
  }

  public QueueStateMachine stateMachine() {
    return stateMachine;
  }

  public int selfId() {
    return settings.selfId();
  }

  /** The division's state; not RUNNING means the node has stopped taking part (see health). */
  public LifeCycle.State lifeCycle() {
    try {
      return server.getDivision(GROUP_ID).getInfo().getLifeCycleState();
    } catch (IOException e) {
      return LifeCycle.State.CLOSED;
    }
  }

  public boolean isLeader() {
    try {
      return server.getDivision(GROUP_ID).getInfo().isLeader();
    } catch (IOException e) {
      return false;
    }
  }

  /** The id of the leader this node knows of. */
  public Optional<Integer> leaderId() {
    try {
      RaftPeerId leader = server.getDivision(GROUP_ID).getInfo().getLeaderId();
      return leader == null ? Optional.empty()
          : Optional.of(Integer.parseInt(leader.toString().substring(1)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public long currentTerm() {
    try {
      return server.getDivision(GROUP_ID).getInfo().getCurrentTerm();
    } catch (IOException e) {
      return -1;
    }
  }

  public long commitIndex() {
    try {
      return server.getDivision(GROUP_ID).getRaftLog().getLastCommittedIndex();
    } catch (IOException e) {
      return -1;
    }
  }

  public long appliedIndex() {
    try {
      return server.getDivision(GROUP_ID).getInfo().getLastAppliedIndex();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Voting members of the group's current configuration, this node included if it votes. */
  public int members() {
    return groupMembers().voters().size();
  }

  /** Who the members are, and changing them (see {@link Membership}). */
  public Membership membership() {
    return membership;
  }

  private RaftServer.Division division() throws IOException {
    return server.getDivision(GROUP_ID);
  }

  private GroupMembers groupMembers() {
    return membership.current();
  }

  /** This node's view of the group now (see {@link RaftStatus}). */
  public RaftStatus status() {
    return RaftStatus.of(settings.selfId(), stateMachine, server);
  }

  /**
   * Tells the observers, for the entries this node proposes, the commands in each, and in
   * nanoseconds each command's wait and each entry's round trip ({@link GroupCommitter#observeTimes}).
   */
  public void observeProposals(IntConsumer batches, LongConsumer waits, LongConsumer roundTrips) {
    committer.observeBatches(batches);
    committer.observeTimes(waits, roundTrips);
  }

  /**
   * Hands leadership to another member if this node leads, before a planned stop
   * ({@link Membership#transferLeadership}: only to followers it still reaches, and only if they are
   * a majority).
   */
  public Membership.Handover transferLeadership(long timeoutMs) {
    return membership.transferLeadership(timeoutMs);
  }

  @Override
  public void close() throws IOException {
    nudge.close();
    disk.close();
    try {
      if (client != null) {
        client.close();
      }
      if (streamClient != null) {
        streamClient.close();
      }
    } finally {
      server.close();
    }
  }
}
