package io.mvmci.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;

/** Opens SQLite connections the way the store uses them: WAL, one writer, read-only readers. */
final class Sqlite {
  private Sqlite() {}

  /**
   * The single writer. {@code synchronous=NORMAL} under WAL never corrupts the file and survives a
   * process kill; after a power loss the last transactions may be missing, and the node re-applies
   * them from the Raft log (see store/DESIGN.md).
   */
  static Connection writer(Path file) throws SQLException {
    SQLiteConfig c = base();
    c.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    // Deferred transactions: sqlite-jdbc begins the next one as soon as it commits, so BEGIN IMMEDIATE
    // would hold the write lock between entries and lock out every other connection (an online backup
    // included). A lock met mid-apply is retried by the state machine instead.
    // Checkpoints are the Checkpointer's, off the apply thread; this is only its backstop.
    c.setWalAutocheckpoint(Checkpointer.WRITER_BACKSTOP_PAGES);
    Connection conn = c.createConnection("jdbc:sqlite:" + file);
    conn.setAutoCommit(false);
    return conn;
  }

  /**
   * The {@link Checkpointer}'s connection: read-write (a checkpoint writes the database file), used
   * for nothing else. Its own automatic checkpoint is off, as it never commits.
   */
  static Connection checkpointer(Path file) throws SQLException {
    SQLiteConfig c = base();
    c.setWalAutocheckpoint(0);
    return c.createConnection("jdbc:sqlite:" + file);
  }

  /**
   * A read-only connection to a file nothing writes, such as a finished copy: no locks, and no
   * {@code -wal} or {@code -shm} file is created beside it.
   */
  static Connection immutable(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath().toUri() + "?immutable=1&mode=ro");
  }

  static Connection reader(Path file) throws SQLException {
    SQLiteConfig c = base();
    c.setReadOnly(true);
    return c.createConnection("jdbc:sqlite:" + file);
  }

  /** SQLITE_BUSY or SQLITE_LOCKED (any extended code): a lock held elsewhere, not a bad statement. */
  static boolean isBusy(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.sqlite.SQLiteException s) {
        int primary = s.getResultCode().code & 0xff;
        if (primary == 5 || primary == 6) {
          return true;
        }
      }
    }
    return false;
  }

  private static SQLiteConfig base() {
    SQLiteConfig c = new SQLiteConfig();
    c.setJournalMode(SQLiteConfig.JournalMode.WAL);
    c.setBusyTimeout(5_000);
    c.setTempStore(SQLiteConfig.TempStore.MEMORY);
    c.setCacheSize(-16_384); // KiB
    // No statement reads generated keys (job ids come from the command). Left on, the driver prepares
    // and runs "SELECT last_insert_rowid()" after every INSERT and UPDATE: 15 % of the apply thread's
    // CPU in a lifecycle benchmark profile (as in the engine's journal, workflow/DESIGN.md).
    c.setGetGeneratedKeys(false);
    return c;
  }
}
