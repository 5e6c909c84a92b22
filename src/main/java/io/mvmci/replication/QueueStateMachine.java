package io.mvmci.replication;

import io.mvmci.command.Command;
import io.mvmci.command.CommandProcessor;
import io.mvmci.command.CommandCodec;
import io.mvmci.command.MalformedCommandException;
import io.mvmci.command.Result;
import io.mvmci.command.ResultCodec;
import io.mvmci.store.JobQueries;
import io.mvmci.store.QueueStore;
import io.mvmci.store.StoreUnavailableException;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.io.MD5Hash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine: a thin adapter from Ratis to the {@link QueueStore}. See DESIGN.md.
 *
 * <p>Invariants:
 * <ul>
 *   <li>The live database lives outside Ratis's {@code sm/} directory (snapshot installation replaces
 *       that directory wholesale); {@code sm/} holds only snapshot copies.</li>
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

  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final Path dbFile;
  private final int readers;
  private final ApplyListener listener;
  private final AtomicLong snapshotsInstalled = new AtomicLong();
  private final AtomicLong snapshotsTaken = new AtomicLong();
  private final AtomicLong leaderChanges = new AtomicLong();
  private volatile QueueStore store;
  /** Writes {@link #store}; set with it, on the apply thread (or at start and install). */
  private volatile CommandProcessor processor;
  /** Where a snapshot is copied before it is published; Ratis's snapshot pattern does not match it. */
  static final String SNAPSHOT_TMP = "queue-snapshot.tmp";
  private final ExecutorService snapshotter = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "snapshot");
    t.setDaemon(true);
    return t;
  });
  private final Object snapshotLock = new Object();
  private volatile Path snapshotTmp;
  /** A failed snapshot (a full disk, say) is tried again this long after, not after every entry. */
  static final long SNAPSHOT_RETRY_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** When the last snapshot copy failed; guarded by snapshotLock. */
  private long snapshotFailedAt = System.nanoTime() - SNAPSHOT_RETRY_NANOS;
  /** The snapshot copy started and not yet published or dropped; guarded by snapshotLock. */
  private Future<PreparedSnapshot> snapshotRun;

  public QueueStateMachine(Path dbFile, int readers, ApplyListener listener) {
    this.dbFile = dbFile;
    this.readers = readers;
    this.listener = listener;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    getLifeCycle().startAndTransition(() -> {
      storage.init(raftStorage);
      snapshotTmp = raftStorage.getStorageDir().getStateMachineDir().toPath().resolve(SNAPSHOT_TMP);
      Files.deleteIfExists(snapshotTmp); // a crash's leftover
      openStore(storage.getLatestSnapshot());
    }, IOException.class);
  }

  /**
   * Opens the live database, first restoring it from {@code snapshot} if it is missing or older than
   * the snapshot (a new member, a lost file, or a power loss that took the last transactions).
   */
  private void openStore(SingleFileSnapshotInfo snapshot) throws IOException {
    TermIndex snapTi = snapshot == null ? null : snapshot.getTermIndex();
    try {
      QueueStore s = QueueStore.open(dbFile, readers);
      CommandProcessor p = new CommandProcessor(s);
      if (snapTi != null && p.appliedIndex() < snapTi.getIndex()) {
        LOG.info("Database at index {} is behind snapshot {}; restoring it from the snapshot",
            p.appliedIndex(), snapTi);
        p.close();
        s.close();
        restore(snapshot);
        s = QueueStore.open(dbFile, readers);
        p = new CommandProcessor(s);
      }
      processor = p;
      store = s;
    } catch (SQLException e) {
      throw new IOException("cannot open the queue database " + dbFile + ": " + e.getMessage(), e);
    }
    setLastAppliedTermIndex(snapTi == null ? null : snapTi);
  }

  private void restore(SingleFileSnapshotInfo snapshot) throws IOException {
    Path file = snapshot.getFile().getPath();
    MD5Hash stored = MD5FileUtil.readStoredMd5ForFile(file.toFile());
    MD5Hash actual = MD5FileUtil.computeMd5ForFile(file.toFile());
    if (stored == null || !stored.equals(actual)) {
      throw new IOException("snapshot " + file + " is corrupt: its MD5 is " + actual
          + " but its checksum file says " + stored);
    }
    QueueStore.replaceWith(file, dbFile);
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public SingleFileSnapshotInfo getLatestSnapshot() {
    return storage.getLatestSnapshot();
  }

  /** Reads of this node's copy. Throws {@link StoreUnavailableException} while a snapshot is loaded. */
  public JobQueries queries() {
    QueueStore s = store;
    if (s == null) {
      throw new StoreUnavailableException("the queue database is being replaced by a snapshot; retry");
    }
    return s.queries();
  }

  /** The index of the last entry whose changes are in this node's database. */
  public long databaseAppliedIndex() {
    CommandProcessor p = processor;
    return p == null ? -1 : p.appliedIndex();
  }

  /** Snapshots received from a leader and loaded since this node started. */
  public long snapshotsInstalled() {
    return snapshotsInstalled.get();
  }

  /** Snapshots this node took since it started. */
  public long snapshotsTaken() {
    return snapshotsTaken.get();
  }

  /** Times this node learned of a new leader since it started (each election it saw end). */
  public long leaderChanges() {
    return leaderChanges.get();
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeader) {
    leaderChanges.incrementAndGet();
  }

  /**
   * A consistent copy of this node's database at {@code target} ({@code VACUUM INTO} on a
   * connection of its own), for an online backup. It may run while entries are applied: the copy
   * holds exactly the entries up to the index its {@code meta} table names.
   *
   * @throws StoreUnavailableException while a snapshot is being loaded
   */
  public void copyDatabaseTo(Path target) throws IOException {
    QueueStore s = store;
    if (s == null) {
      throw new StoreUnavailableException("the queue database is being replaced by a snapshot; retry");
    }
    try {
      s.copyTo(target);
    } catch (SQLException e) {
      throw new IOException("copying the queue database failed: " + e.getMessage(), e);
    }
  }

  /** Leader side: refuse an entry that does not decode before it reaches the log. */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext trx = super.startTransaction(request);
    try {
      trx.setStateMachineContext(CommandCodec.decode(request.getMessage().getContent().asReadOnlyByteBuffer()));
    } catch (MalformedCommandException e) {
      trx.setException(new StateMachineException("rejected command batch: " + e.getMessage()));
    }
    return trx;
  }

  /** How long an entry is retried while the database stays locked before this node stops. */
  static final long BUSY_RETRY_MS = 60_000;

  /**
   * Applies one entry. A locked database (SQLITE_BUSY: the transaction was rolled back, nothing
   * written) is transient: the same entry is applied again, with a growing pause, for up to
   * {@link #BUSY_RETRY_MS}. Any other failure, or a lock that outlasts that, stops this node
   * (fail-stop: a replica that skipped an entry would diverge).
   */
  private List<Result> applyOrStop(long term, long index, List<Command> batch) {
    long deadline = System.nanoTime() + BUSY_RETRY_MS * 1_000_000;
    long pauseMs = 10;
    for (int attempt = 1; ; attempt++) {
      try {
        return processor.apply(term, index, batch);
      } catch (SQLException e) {
        if (!QueueStore.isTransient(e) || System.nanoTime() > deadline) {
          throw new IllegalStateException("cannot apply entry " + term + ":" + index
              + " to the queue database; stopping this node: " + e.getMessage(), e);
        }
        if (attempt == 1 || attempt % 20 == 0) {
          LOG.warn("entry {}:{}: the queue database is locked ({}); applying it again (attempt {})",
              term, index, e.getMessage(), attempt + 1);
        }
        try {
          Thread.sleep(pauseMs);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while applying entry " + term + ":" + index, ie);
        }
        pauseMs = Math.min(pauseMs * 2, 1_000);
      }
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long term = entry.getTerm();
    long index = entry.getIndex();
    List<Command> batch = trx.getStateMachineContext() instanceof List<?> decoded
        ? (List<Command>) decoded
        : CommandCodec.decode(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
    List<Result> results = applyOrStop(term, index, batch);
    updateLastAppliedTermIndex(term, index);
    if (results == null) {
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
    try {
      listener.applied(index, batch, results);
    } catch (RuntimeException e) {
      LOG.warn("apply listener failed at index {}", index, e);
    }
    return CompletableFuture.completedFuture(
        Message.valueOf(ByteString.copyFrom(ResultCodec.encode(results))));
  }

  /**
   * Ratis's own entries (configuration, a new leader's first entry) change nothing in the queue, but
   * their index is recorded too, so that the database's index and Ratis's always agree after a
   * restart.
   */
  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    try {
      processor.advance(term, index);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot record entry " + term + ":" + index
          + " in the queue database; stopping this node: " + e.getMessage(), e);
    }
    super.notifyTermIndexUpdated(term, index);
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    return CompletableFuture.completedFuture(Message.EMPTY);
  }

  /**
   * Snapshots run off the apply thread, so applying never waits for one (every node snapshots at the
   * same index: a snapshot on the apply thread paused the whole cluster). Ratis asks for a snapshot
   * on the apply thread, between entries, until one is returned:
   * <ol>
   *   <li>the first call starts a {@link #snapshot copy} on the snapshot thread and returns -1
   *       (nothing new yet), and so do the calls while it runs;</li>
   *   <li>the first call after it finished publishes it: renames it into {@code sm/}, writes its MD5
   *       file, makes it the latest, and returns its index; Ratis then purges the log up to it.</li>
   * </ol>
   * Publishing on the apply thread keeps every change of {@code sm/} and of the latest snapshot on
   * the thread Ratis expects (it cleans up old snapshots there, right after this returns).
   */
  @Override
  public long takeSnapshot() throws IOException {
    synchronized (snapshotLock) {
      if (snapshotRun == null) {
        QueueStore s = store;
        if (s != null && getLifeCycleState() == LifeCycle.State.RUNNING
            && processor.appliedIndex() > latestSnapshotIndex()
            && System.nanoTime() - snapshotFailedAt >= SNAPSHOT_RETRY_NANOS) {
          try {
            snapshotRun = snapshotter.submit(() -> snapshot(s));
          } catch (RejectedExecutionException e) {
            return -1; // closing
          }
        }
        return -1;
      }
      if (!snapshotRun.isDone()) {
        return -1;
      }
      PreparedSnapshot p = result(snapshotRun);
      TermIndex applied = getLastAppliedTermIndex();
      if (p != null && (applied == null || p.at().getIndex() > applied.getIndex())) {
        return -1; // replaying after a restart: Ratis has not caught up with the database's index yet
      }
      snapshotRun = null;
      return publish(p);
    }
  }

  /** The copy a finished run made, or null if it failed (logged). */
  private PreparedSnapshot result(Future<PreparedSnapshot> run) {
    try {
      return run.get();
    } catch (ExecutionException e) {
      snapshotFailedAt = System.nanoTime();
      LOG.warn("Snapshot failed; trying again in {} s: {}", SNAPSHOT_RETRY_NANOS / 1_000_000_000L,
          e.getCause().toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private long latestSnapshotIndex() {
    SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
    return latest == null ? -1 : latest.getIndex();
  }

  /** A copy of the database, checksummed and fsynced, waiting to be renamed into {@code sm/}. */
  private record PreparedSnapshot(Path tmp, TermIndex at, MD5Hash md5, long bytes, long millis) {}

  /** On the snapshot thread: copies the database to a temporary file in {@code sm/}. */
  private PreparedSnapshot snapshot(QueueStore s) throws IOException {
    long started = System.nanoTime();
    Path tmp = snapshotTmp;
    QueueStore.Position at;
    try {
      at = s.backupTo(tmp);
    } catch (SQLException e) {
      Files.deleteIfExists(tmp);
      throw new IOException("snapshot copy failed: " + e.getMessage(), e);
    }
    fsync(tmp);
    MD5Hash md5 = MD5FileUtil.computeMd5ForFile(tmp.toFile());
    return new PreparedSnapshot(tmp, TermIndex.valueOf(at.term(), at.index()), md5, Files.size(tmp),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /** On the apply thread (or at close): makes a finished copy the latest snapshot. */
  private long publish(PreparedSnapshot p) throws IOException {
    if (p == null) {
      return -1;
    }
    if (p.at().getIndex() <= latestSnapshotIndex()) { // an installed snapshot overtook it
      Files.deleteIfExists(p.tmp());
      return -1;
    }
    File target = storage.getSnapshotFile(p.at().getTerm(), p.at().getIndex());
    Files.move(p.tmp(), target.toPath(), StandardCopyOption.ATOMIC_MOVE);
    MD5FileUtil.saveMD5File(target, p.md5());
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target.toPath(), p.md5()), p.at()));
    snapshotsTaken.incrementAndGet();
    LOG.info("Took snapshot {} ({} bytes, copied in the background in {} ms)", target.getName(), p.bytes(),
        p.millis());
    return p.at().getIndex();
  }

  /**
   * Waits for a snapshot copy in progress; publishes it if {@code keep}, else drops it. Before a
   * snapshot is installed (which replaces {@code sm/} wholesale) and before the store closes.
   */
  private void settleSnapshotRun(boolean keep) {
    synchronized (snapshotLock) {
      if (snapshotRun == null) {
        return;
      }
      PreparedSnapshot p = result(snapshotRun);
      snapshotRun = null;
      try {
        if (keep) {
          publish(p);
        } else if (p != null) {
          Files.deleteIfExists(p.tmp());
        }
      } catch (IOException e) {
        LOG.warn("Could not keep the snapshot taken in the background: {}", e.toString());
      }
    }
  }

  private static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Before a snapshot is installed from the leader (without PAUSED, Ratis fails the install). */
  @Override
  public void pause() {
    settleSnapshotRun(false);
    getLifeCycle().transition(LifeCycle.State.PAUSING);
    getLifeCycle().transition(LifeCycle.State.PAUSED);
  }

  /** After a snapshot was installed into {@code sm/}: replace the live database with it. */
  @Override
  public void reinitialize() throws IOException {
    closeStore();
    storage.loadLatestSnapshot();
    SingleFileSnapshotInfo snapshot = storage.getLatestSnapshot();
    if (snapshot == null) {
      throw new IOException("reinitialize: no snapshot in " + storage.getSnapshotDir());
    }
    restore(snapshot);
    openStore(snapshot);
    getLifeCycle().transition(LifeCycle.State.STARTING);
    getLifeCycle().transition(LifeCycle.State.RUNNING);
    snapshotsInstalled.incrementAndGet();
    listener.reloaded();
    LOG.info("Loaded installed snapshot {}", snapshot.getTermIndex());
  }

  private void closeStore() {
    QueueStore s = store;
    CommandProcessor p = processor;
    store = null;
    processor = null;
    if (s != null) {
      try (s) {
        p.close();
      } catch (SQLException e) {
        LOG.warn("closing the queue database", e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    settleSnapshotRun(true);
    snapshotter.shutdown();
    closeStore();
    super.close();
  }
}
