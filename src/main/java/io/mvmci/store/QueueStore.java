package io.mvmci.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One node's copy of the replicated queue: a SQLite file with one writer (the
 * {@link CommandProcessor}, fed only by the Raft apply thread) and a pool of read-only connections.
 * See store/DESIGN.md.
 */
public final class QueueStore implements AutoCloseable {
  private final Path file;
  private final Connection writer;
  private final CommandProcessor processor;
  private final ReadPool readers;
  private final JobQueries queries;

  private QueueStore(Path file, int readers) throws SQLException {
    this.file = file;
    this.writer = Sqlite.writer(file);
    try {
      Migrations.migrate(writer);
      this.processor = new CommandProcessor(writer);
      this.readers = new ReadPool(file, readers);
    } catch (SQLException | RuntimeException e) {
      writer.close();
      throw e;
    }
    this.queries = new JobQueries(this.readers);
  }

  /** Opens (creating and migrating if needed) the queue database at {@code file}. */
  public static QueueStore open(Path file, int readers) throws SQLException, IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    return new QueueStore(file, readers);
  }

  /**
   * Whether a failed apply may be retried as it is: the database was locked (SQLITE_BUSY or
   * SQLITE_LOCKED) and the transaction was rolled back, so nothing of the entry was written.
   */
  public static boolean isTransient(SQLException e) {
    return Sqlite.isBusy(e);
  }

  public CommandProcessor processor() {
    return processor;
  }

  public JobQueries queries() {
    return queries;
  }

  public Path file() {
    return file;
  }

  /**
   * Writes a consistent copy of the database to {@code target} with {@code VACUUM INTO}, on its own
   * connection (it fails on the writer's). The copy holds exactly the entries applied so far, so the
   * caller must not apply concurrently if it names the copy by the applied index.
   */
  public void copyTo(Path target) throws SQLException, IOException {
    Files.deleteIfExists(target);
    try (Connection c = Sqlite.reader(file); Statement s = c.createStatement()) {
      s.execute("VACUUM INTO '" + target.toString().replace("'", "''") + "'");
    }
  }

  /**
   * Writes a consistent copy of the database to {@code target} for a Raft snapshot, fast: a full
   * checkpoint moves every committed page into the database file, and the file is copied as it
   * is. Only the apply thread may call this, between entries: it is the only writer, so the file
   * cannot change during the copy. If readers keep the checkpoint from finishing (for the busy
   * timeout), it falls back to {@link #copyTo}.
   *
   * <p>{@code VACUUM INTO} rebuilds every B-tree: for a 218 MB database it held each node's apply
   * thread for about 4 s (every node snapshots at the same index, so the whole cluster stalled);
   * a checkpoint and a file copy take a fraction of that. The copy keeps free pages that
   * {@code VACUUM} would drop.
   *
   * @return true if the checkpointed file was copied, false if it fell back to {@code VACUUM INTO}
   */
  public boolean snapshotTo(Path target) throws SQLException, IOException {
    boolean complete;
    try (Connection c = Sqlite.checkpointer(file);
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(FULL)")) {
      // busy, frames in the WAL, frames checkpointed
      complete = rs.next() && rs.getInt(1) == 0 && rs.getInt(2) == rs.getInt(3);
    }
    if (!complete) {
      copyTo(target);
      return false;
    }
    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    return true;
  }

  /**
   * Replaces the database at {@code live} with the copy at {@code snapshot}. The store at
   * {@code live} must be closed. Leftover WAL and shared-memory files of the old database are
   * removed first: paired with the new file they would corrupt it.
   */
  public static void replaceWith(Path snapshot, Path live) throws IOException {
    Path tmp = live.resolveSibling(live.getFileName() + ".restore");
    Files.copy(snapshot, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(live.resolveSibling(live.getFileName() + "-wal"));
    Files.deleteIfExists(live.resolveSibling(live.getFileName() + "-shm"));
    Files.move(tmp, live, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void close() throws SQLException {
    readers.close();
    try {
      processor.close();
    } finally {
      writer.close();
    }
  }
}
