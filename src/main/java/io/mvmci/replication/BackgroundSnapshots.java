package io.mvmci.replication;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raft snapshots copied off the apply thread, so that applying never waits for one (every node
 * snapshots at the same index: a snapshot on the apply thread paused the whole cluster). Ratis asks
 * for a snapshot on the apply thread, between entries, until one is returned ({@link #take}):
 * <ol>
 *   <li>the first call starts a {@link Copy copy} to {@value #TMP_NAME} in {@code sm/} on the
 *       executor, which then fsyncs and checksums it, and returns -1 (nothing new yet); so do the
 *       calls while it runs;</li>
 *   <li>the first call after it finished publishes it: renames it to {@code snapshot.<term>_<index>}
 *       in {@code sm/}, writes its MD5 file, makes it the latest and returns its index; Ratis then
 *       purges the log up to it.</li>
 * </ol>
 *
 * <p>Invariants:
 * <ul>
 *   <li>Publishing happens on the caller's thread (the apply thread, or the closing one), never on the
 *       executor: {@code sm/} and the latest snapshot change only where Ratis expects (it cleans up old
 *       snapshots right after {@code takeSnapshot} returns).</li>
 *   <li>{@link #take} never returns an index beyond Ratis's applied index (during a replay the
 *       database is ahead, and Ratis would fail the node) nor one at or below the latest snapshot (an
 *       installed snapshot overtook the copy; Ratis asserts the index only grows). Such a copy waits,
 *       or is dropped.</li>
 *   <li>{@link #drop} (before an install replaces {@code sm/}) waits for a running copy and deletes
 *       it; {@link #close} waits for it and publishes it.</li>
 *   <li>A copy that fails is logged, and no copy starts again for {@link #RETRY_NANOS}: a full disk
 *       costs no entry and no busy loop.</li>
 * </ul>
 *
 * <p>Threading: {@link #take}, {@link #drop} and {@link #close} may be called from any thread; they
 * exclude each other. Only the copy, its fsync and its MD5 run on the executor.
 */
final class BackgroundSnapshots {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundSnapshots.class);

  /** Where a snapshot is copied before it is published; Ratis's snapshot pattern does not match it. */
  static final String TMP_NAME = "queue-snapshot.tmp";
  /** A failed snapshot (a full disk, say) is tried again this long after, not after every entry. */
  static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Makes the copy a snapshot is published from. */
  @FunctionalInterface
  interface Copy {
    /**
     * Writes a consistent copy of the database to {@code tmp} (replacing whatever is there) and
     * returns the term and index of the last entry the copy holds. Runs on the executor, while
     * entries keep applying; on failure it leaves no partial copy it could have removed.
     */
    TermIndex to(Path tmp) throws IOException;
  }

  /** A copy, checksummed and fsynced, waiting to be renamed into {@code sm/}. */
  private record Prepared(Path tmp, TermIndex at, MD5Hash md5, long bytes, long millis) {}

  private final SimpleStateMachineStorage storage;
  private final Copy copy;
  private final ExecutorService executor;
  private final LongSupplier nanoTime;
  private final AtomicLong taken = new AtomicLong();
  private final Object lock = new Object();
  private volatile Path tmp;
  /** When the last copy failed; guarded by lock. */
  private long failedAt;
  /** The copy started and not yet published or dropped; guarded by lock. */
  private Future<Prepared> run;

  /**
   * @param storage Ratis's snapshot directory ({@code sm/}); initialised before {@link #init}
   * @param executor runs the copies; shut down by {@link #close}
   * @param nanoTime the clock of the retry delay ({@code System::nanoTime})
   */
  BackgroundSnapshots(SimpleStateMachineStorage storage, Copy copy, ExecutorService executor,
      LongSupplier nanoTime) {
    this.storage = storage;
    this.copy = copy;
    this.executor = executor;
    this.nanoTime = nanoTime;
    this.failedAt = nanoTime.getAsLong() - RETRY_NANOS;
  }

  /** The executor of a node: one daemon thread named {@code snapshot}, started on the first copy. */
  static ExecutorService snapshotThread() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "snapshot");
      t.setDaemon(true);
      return t;
    });
  }

  /** Names the temporary copy in {@code smDir} and deletes a crash's leftover of it. */
  void init(Path smDir) throws IOException {
    tmp = smDir.resolve(TMP_NAME);
    Files.deleteIfExists(tmp);
  }

  /** Snapshots published since this node started. */
  long taken() {
    return taken.get();
  }

  /**
   * Ratis's {@code takeSnapshot}: starts, waits for or publishes a copy (see the class comment).
   *
   * @param databaseIndex the index the database holds, or -1 if it cannot be copied now (no
   *     database open, or the state machine is not running); a copy starts only if it is beyond the
   *     latest snapshot
   * @param appliedIndex Ratis's last applied index (-1 if none); a copy beyond it is not published yet
   * @return the index of the snapshot published by this call, or -1
   */
  long take(long databaseIndex, long appliedIndex) throws IOException {
    synchronized (lock) {
      if (run == null) {
        if (databaseIndex > latestIndex() && nanoTime.getAsLong() - failedAt >= RETRY_NANOS) {
          try {
            run = executor.submit(this::prepare);
          } catch (RejectedExecutionException e) {
            return -1; // closing
          }
        }
        return -1;
      }
      if (!run.isDone()) {
        return -1;
      }
      Prepared p = result(run);
      if (p != null && p.at().getIndex() > appliedIndex) {
        return -1; // replaying after a restart: Ratis has not caught up with the database's index yet
      }
      run = null;
      return publish(p);
    }
  }

  /** Before a snapshot is installed (it replaces {@code sm/}): waits for a running copy and drops it. */
  void drop() {
    settle(false);
  }

  /** Waits for a running copy, publishes it, and shuts the executor down. */
  void close() {
    settle(true);
    executor.shutdown();
  }

  /** The copy a finished run made, or null if it failed (logged). */
  private Prepared result(Future<Prepared> finished) {
    try {
      return finished.get();
    } catch (ExecutionException e) {
      failedAt = nanoTime.getAsLong();
      LOG.warn("Snapshot failed; trying again in {} s: {}", RETRY_NANOS / 1_000_000_000L,
          e.getCause().toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private long latestIndex() {
    SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
    return latest == null ? -1 : latest.getIndex();
  }

  /** On the executor: the copy, fsynced and checksummed. */
  private Prepared prepare() throws IOException {
    long started = nanoTime.getAsLong();
    Path file = tmp;
    TermIndex at = copy.to(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    MD5Hash md5 = MD5FileUtil.computeMd5ForFile(file.toFile());
    return new Prepared(file, at, md5, Files.size(file),
        TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - started));
  }

  /** On the caller's thread: makes a finished copy the latest snapshot. */
  private long publish(Prepared p) throws IOException {
    if (p == null) {
      return -1;
    }
    if (p.at().getIndex() <= latestIndex()) { // an installed snapshot overtook it
      Files.deleteIfExists(p.tmp());
      return -1;
    }
    File target = storage.getSnapshotFile(p.at().getTerm(), p.at().getIndex());
    Files.move(p.tmp(), target.toPath(), StandardCopyOption.ATOMIC_MOVE);
    MD5FileUtil.saveMD5File(target, p.md5());
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target.toPath(), p.md5()), p.at()));
    taken.incrementAndGet();
    LOG.info("Took snapshot {} ({} bytes, copied in the background in {} ms)", target.getName(), p.bytes(),
        p.millis());
    return p.at().getIndex();
  }

  /** Waits for a copy in progress; publishes it if {@code keep}, else drops it. */
  private void settle(boolean keep) {
    synchronized (lock) {
      if (run == null) {
        return;
      }
      Prepared p = result(run);
      run = null;
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
}
