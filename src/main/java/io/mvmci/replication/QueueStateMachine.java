package io.mvmci.replication;

import io.mvmci.command.Command;
import io.mvmci.command.CommandCodec;
import io.mvmci.command.MalformedCommandException;
import io.mvmci.command.Result;
import io.mvmci.command.ResultCodec;
import io.mvmci.store.JobQueries;
import io.mvmci.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine: a thin adapter from Ratis to the store (see DESIGN.md). The database is
 * held by {@link LiveStore}, snapshots are made by {@link BackgroundSnapshots}, and a failed apply is
 * retried or stops the node in {@link BusyRetry}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Each entry's changes and its index commit in one SQLite transaction; an entry at or below the
 *       stored index is skipped, so a restart that replays the log from the last snapshot applies each
 *       entry exactly once.</li>
 *   <li>{@link #getLastAppliedTermIndex()} follows Ratis's own sequence (skipped entries included), so
 *       Ratis's bookkeeping never runs backwards; the database's own index may be ahead of it during
 *       a replay.</li>
 *   <li>A corrupt entry or a SQLite error throws from {@link #applyTransaction}: Ratis then closes the
 *       server (fail-stop) instead of going on with a diverged copy. A failed future would only be
 *       logged.</li>
 * </ul>
 */
public final class QueueStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(QueueStateMachine.class);

  private final SnapshotStorage storage = new SnapshotStorage();
  private final LiveStore live;
  private final ApplyListener listener;
  private final BackgroundSnapshots snapshots;
  private final AtomicLong snapshotsInstalled = new AtomicLong();
  private final AtomicLong leaderChanges = new AtomicLong();
  private volatile boolean toldRemoved;
  private final DiskGuard disk;
  private final BusyRetry retry;
  private volatile BulkReceiver receiver = BulkReceiver.NONE;
  private volatile ProposalRewriter rewriter = ProposalRewriter.NONE;
  private volatile int maxRewrittenBytes = Integer.MAX_VALUE;
  private final ApplyTrace trace;

  public QueueStateMachine(Path dbFile, int readers, ApplyListener listener) {
    this(dbFile, readers, listener, null);
  }

  /** @param disk told when storage cannot take an entry, and asked before the leader takes a proposal */
  QueueStateMachine(Path dbFile, int readers, ApplyListener listener, DiskGuard disk) {
    this.live = new LiveStore(dbFile, readers);
    this.trace = ApplyTrace.beside(dbFile);
    this.listener = listener;
    this.disk = disk;
    this.retry = disk == null ? BusyRetry.SYSTEM : new BusyRetry(System::nanoTime, Thread::sleep,
        new BusyRetry.Faults() {
          @Override
          public void blocked(long index, String cause) {
            disk.applyBlocked(index, cause);
          }

          @Override
          public void resumed() {
            disk.applyResumed();
          }
        });
    this.snapshots = new BackgroundSnapshots(storage, live::backupTo, BackgroundSnapshots.snapshotThread(),
        System::nanoTime);
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    getLifeCycle().startAndTransition(() -> {
      storage.init(raftStorage);
      snapshots.init(raftStorage.getStorageDir().getStateMachineDir().toPath());
      SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
      live.open(latest);
      setLastAppliedTermIndex(latest == null ? null : latest.getTermIndex());
      trace.note("start: database at " + live.appliedIndex() + ", snapshot " + (latest == null ? "none" : latest.getTermIndex()));
    }, IOException.class);
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public SingleFileSnapshotInfo getLatestSnapshot() {
    return storage.getLatestSnapshot();
  }

  /**
   * Leader side: refuse an entry that does not decode before it reaches the log, and every entry
   * while this node cannot store writes (the proposer gets the reason).
   */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext trx = super.startTransaction(request);
    java.util.Optional<String> refusal = disk == null ? java.util.Optional.empty() : disk.refusal();
    if (refusal.isPresent()) {
      trx.setException(new StateMachineException("the leader refuses writes: " + refusal.get()));
      return trx;
    }
    List<Command> batch;
    try {
      batch = CommandCodec.decode(request.getMessage().getContent().asReadOnlyByteBuffer());
    } catch (MalformedCommandException e) {
      trx.setException(new StateMachineException("rejected command batch: " + e.getMessage()));
      return trx;
    }
    ProposalRewriter.Rewrite rewrite;
    try {
      rewrite = rewriter.rewrite(batch);
    } catch (RuntimeException e) {
      LOG.warn("rewriting a proposal failed; appending it as proposed", e);
      rewrite = null;
    }
    byte[] rewritten = rewrite == null ? null : CommandCodec.encode(rewrite.batch());
    if (rewritten != null && rewritten.length > maxRewrittenBytes) {
      LOG.debug("a rewritten entry of {} bytes is over {}; appending it as proposed", rewritten.length,
          maxRewrittenBytes);
      abandon(rewrite);
      rewritten = null;
    }
    if (rewritten == null) {
      trx.setStateMachineContext(new Proposed(batch, null));
      return trx;
    }
    return TransactionContext.newBuilder()
        .setServerRole(org.apache.ratis.proto.RaftProtos.RaftPeerRole.LEADER)
        .setStateMachine(this)
        .setClientRequest(request)
        .setLogData(UnsafeByteOperations.unsafeWrap(rewritten))
        .setStateMachineContext(new Proposed(rewrite.batch(), rewrite))
        .build();
  }

  /** The leader's decoded batch, as appended, and the rewrite that made it (or null). */
  private record Proposed(List<Command> batch, ProposalRewriter.Rewrite rewrite) {}

  /**
   * Lets {@code rewriter} rewrite each batch this node appends while it leads; a rewritten entry over
   * {@code maxEntryBytes} (what the Raft log and its transport are sized for) is appended as proposed.
   */
  public void rewriteProposalsWith(ProposalRewriter rewriter, int maxEntryBytes) {
    this.maxRewrittenBytes = maxEntryBytes;
    this.rewriter = java.util.Objects.requireNonNull(rewriter, "rewriter");
  }

  /** Ratis refused an entry before the log (after {@link #startTransaction}). */
  @Override
  public TransactionContext cancelTransaction(TransactionContext trx) throws IOException {
    abandon(trx);
    return super.cancelTransaction(trx);
  }

  /** This node stepped down with these entries appended and unanswered. */
  @Override
  public void notifyNotLeader(java.util.Collection<TransactionContext> pending) throws IOException {
    pending.forEach(QueueStateMachine::abandon);
  }

  private static void abandon(TransactionContext trx) {
    if (trx.getStateMachineContext() instanceof Proposed p && p.rewrite() != null) {
      abandon(p.rewrite());
    }
  }

  private static void abandon(ProposalRewriter.Rewrite rewrite) {
    try {
      rewrite.abandoned();
    } catch (RuntimeException e) {
      LOG.warn("abandoning a rewritten proposal failed", e);
    }
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long term = entry.getTerm();
    long index = entry.getIndex();
    Proposed proposed = trx.getStateMachineContext() instanceof Proposed p ? p : null;
    List<Command> batch = proposed != null ? proposed.batch()
        : CommandCodec.decode(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
    List<Result> results = retry.applyOrStop(term, index,
        () -> live.processor().apply(term, index, batch));
    updateLastAppliedTermIndex(term, index);
    if (trace.on()) {
      trace.applied(index, term, entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer(),
          proposed != null ? proposed.batch() : null, results);
    }
    if (results == null) { // applied before this restart
      if (proposed != null && proposed.rewrite() != null) {
        abandon(proposed.rewrite());
      }
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
    try {
      listener.applied(index, batch, results);
    } catch (RuntimeException e) {
      LOG.warn("apply listener failed at index {}", index, e);
    }
    List<Result> answers = results;
    if (proposed != null && proposed.rewrite() != null) {
      try {
        answers = proposed.rewrite().applied(results);
      } catch (RuntimeException e) {
        LOG.warn("a rewritten proposal's answer failed at index {}", index, e);
      }
    }
    return CompletableFuture.completedFuture(
        Message.valueOf(ByteString.copyFrom(ResultCodec.encode(answers))));
  }

  /** Ratis's own entries (configuration, a new leader's first) change nothing but are recorded too. */
  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    retry.applyOrStop(term, index, () -> {
      live.processor().advance(term, index);
      return null;
    });
    trace.meta(index, term);
    super.notifyTermIndexUpdated(term, index);
  }

  /** Ratis could not write its log, and never will again in this process: see {@link DiskGuard}. */
  @Override
  public void notifyLogFailed(Throwable cause, LogEntryProto failedEntry) {
    if (disk != null) {
      disk.logFailed(cause);
    }
  }

  /** Where this member keeps the bytes of DataStreams; set once the node's parts are built. */
  public void receiveStreamsWith(BulkReceiver receiver) {
    this.receiver = receiver;
  }

  /**
   * A DataStream's header arrived on this member (primary or not): open this member's copy. The
   * header is one command; its entry comes through the log after every member closed its copy.
   */
  @Override
  public CompletableFuture<DataStream> stream(RaftClientRequest request) {
    try {
      List<Command> header = CommandCodec.decode(request.getMessage().getContent().asReadOnlyByteBuffer());
      if (header.size() != 1) {
        throw new IOException("a stream header is one command, not " + header.size());
      }
      BulkReceiver.Write write = receiver.open(header.get(0));
      return CompletableFuture.completedFuture(new ReceivedStream(write));
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The header's entry reached this member's log: the copy was closed (published) already. */
  @Override
  public CompletableFuture<?> link(DataStream stream, LogEntryProto entry) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    return CompletableFuture.completedFuture(Message.EMPTY);
  }

  /** On the apply thread: starts or publishes a copy made in the background. */
  @Override
  public long takeSnapshot() throws IOException {
    TermIndex applied = getLastAppliedTermIndex();
    return snapshots.take(getLifeCycleState() == LifeCycle.State.RUNNING ? live.appliedIndex() : -1,
        applied == null ? -1 : applied.getIndex());
  }

  /** Before a snapshot is installed from the leader (without PAUSED, Ratis fails the install). */
  @Override
  public void pause() {
    snapshots.drop();
    getLifeCycle().transition(LifeCycle.State.PAUSING);
    getLifeCycle().transition(LifeCycle.State.PAUSED);
  }

  /** After a snapshot was installed into {@code sm/}: replace the live database with it. */
  @Override
  public void reinitialize() throws IOException {
    live.close();
    storage.loadLatestSnapshot();
    SingleFileSnapshotInfo snapshot = storage.getLatestSnapshot();
    if (snapshot == null) {
      throw new IOException("reinitialize: no snapshot in " + storage.getSnapshotDir());
    }
    live.install(snapshot);
    setLastAppliedTermIndex(snapshot.getTermIndex());
    trace.note("installed snapshot " + snapshot.getTermIndex());
    getLifeCycle().transition(LifeCycle.State.STARTING);
    getLifeCycle().transition(LifeCycle.State.RUNNING);
    snapshotsInstalled.incrementAndGet();
    listener.reloaded();
    LOG.info("Loaded installed snapshot {}", snapshot.getTermIndex());
  }

  @Override
  public void close() throws IOException {
    snapshots.close();
    live.close();
    trace.close();
    super.close();
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeader) {
    leaderChanges.incrementAndGet();
  }

  /**
   * Ratis closed this division because an election told it it is not in the group: the leader
   * answered its vote request that it was removed, or its own configuration leaves it out. Ratis says
   * so only then ({@code allServer} is false); a node's own stop, which closes every division, says
   * {@code allServer}.
   */
  @Override
  public void notifyServerShutdown(RoleInfoProto roleInfo, boolean allServer) {
    if (!allServer) {
      LOG.warn("Raft closed this node's division: the group's leader says it is no longer a member");
      toldRemoved = true;
    }
  }

  /** Whether Ratis closed this division because the group no longer has this node. */
  boolean toldRemoved() {
    return toldRemoved;
  }

  /** Reads of this node's copy; {@link StoreUnavailableException} while a snapshot is loaded. */
  public JobQueries queries() {
    return live.require().queries();
  }

  /** The index of the last entry whose changes are in this node's database. */
  public long databaseAppliedIndex() {
    return live.appliedIndex();
  }

  /**
   * A {@code VACUUM INTO} copy for an online backup, taken while entries apply: it holds exactly the
   * entries up to the index its {@code meta} names. {@link StoreUnavailableException} while a snapshot loads.
   */
  public void copyDatabaseTo(Path target) throws IOException {
    live.copyTo(target);
  }

  /** Snapshots received from a leader and loaded since this node started. */
  public long snapshotsInstalled() {
    return snapshotsInstalled.get();
  }

  /** Snapshots this node took since it started. */
  public long snapshotsTaken() {
    return snapshots.taken();
  }

  /** Times this node learned of a new leader since it started (each election it saw end). */
  public long leaderChanges() {
    return leaderChanges.get();
  }
}
