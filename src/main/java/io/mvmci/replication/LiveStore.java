package io.mvmci.replication;

import io.mvmci.command.CommandProcessor;
import io.mvmci.store.QueueStore;
import io.mvmci.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's database as the state machine holds it: opened at start-up, restored from a snapshot
 * when it is missing or behind one, closed and replaced when a snapshot is installed. While it is
 * being replaced there is none, and {@link #require} throws {@link StoreUnavailableException}.
 *
 * <p>Invariant: the database file lives outside Ratis's {@code sm/} directory, which an installed
 * snapshot replaces wholesale; a snapshot replaces the database only after its MD5 file verified.
 */
final class LiveStore {
  private static final Logger LOG = LoggerFactory.getLogger(LiveStore.class);

  private final Path dbFile;
  private final int readers;
  /** The open database and the processor that writes it; null while it is replaced. */
  private record Open(QueueStore store, CommandProcessor processor) {}

  private volatile Open current;

  LiveStore(Path dbFile, int readers) {
    this.dbFile = dbFile;
    this.readers = readers;
  }

  /** What applies entries to the open database; on the apply thread there always is one. */
  CommandProcessor processor() {
    return current.processor();
  }

  /** The open database, for reads from any thread. */
  QueueStore require() {
    Open o = current;
    if (o == null) {
      throw new StoreUnavailableException("the queue database is being replaced by a snapshot; retry");
    }
    return o.store();
  }

  /** The index of the last entry whose changes are in the database, or -1 while there is none. */
  long appliedIndex() {
    Open o = current;
    return o == null ? -1 : o.processor().appliedIndex();
  }

  /**
   * Opens the database, first restoring it from {@code snapshot} if it is missing or older than the
   * snapshot (a new member, a lost file, or a power loss that took the last transactions).
   *
   * @param snapshot the latest snapshot, or null if there is none
   */
  void open(SingleFileSnapshotInfo snapshot) throws IOException {
    TermIndex snapTi = snapshot == null ? null : snapshot.getTermIndex();
    try {
      Open o = openFile();
      if (snapTi != null && o.processor().appliedIndex() < snapTi.getIndex()) {
        LOG.info("Database at index {} is behind snapshot {}; restoring it from the snapshot",
            o.processor().appliedIndex(), snapTi);
        close(o);
        restore(snapshot);
        o = openFile();
      }
      current = o;
    } catch (SQLException e) {
      throw new IOException("cannot open the queue database " + dbFile + ": " + e.getMessage(), e);
    }
  }

  private Open openFile() throws SQLException, IOException {
    QueueStore s = QueueStore.open(dbFile, readers);
    try {
      return new Open(s, new CommandProcessor(s));
    } catch (SQLException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** After {@link #close}: replaces the database with an installed {@code snapshot} and opens it. */
  void install(SingleFileSnapshotInfo snapshot) throws IOException {
    restore(snapshot);
    open(snapshot);
  }

  private void restore(SingleFileSnapshotInfo snapshot) throws IOException {
    Path file = snapshot.getFile().getPath();
    verify(file);
    QueueStore.replaceWith(file, dbFile);
  }

  /** Throws unless {@code file}'s MD5 file names its MD5. */
  static void verify(Path file) throws IOException {
    MD5Hash stored = MD5FileUtil.readStoredMd5ForFile(file.toFile());
    MD5Hash actual = MD5FileUtil.computeMd5ForFile(file.toFile());
    if (stored == null || !stored.equals(actual)) {
      throw new IOException("snapshot " + file + " is corrupt: its MD5 is " + actual
          + " but its checksum file says " + stored);
    }
  }

  /**
   * The copy a Raft snapshot is made of ({@link BackgroundSnapshots.Copy}): a consistent copy of the
   * database at {@code tmp}, taken while entries keep applying, and the entry it holds.
   */
  TermIndex backupTo(Path tmp) throws IOException {
    try {
      QueueStore.Position at = require().backupTo(tmp);
      return TermIndex.valueOf(at.term(), at.index());
    } catch (SQLException e) {
      Files.deleteIfExists(tmp);
      throw new IOException("snapshot copy failed: " + e.getMessage(), e);
    }
  }

  /** A compact copy for an online backup ({@code VACUUM INTO}). */
  void copyTo(Path target) throws IOException {
    try {
      require().copyTo(target);
    } catch (SQLException e) {
      throw new IOException("copying the queue database failed: " + e.getMessage(), e);
    }
  }

  void close() {
    Open o = current;
    current = null;
    if (o != null) {
      close(o);
    }
  }

  private static void close(Open o) {
    try (QueueStore s = o.store()) {
      o.processor().close();
    } catch (SQLException e) {
      LOG.warn("closing the queue database", e);
    }
  }
}
