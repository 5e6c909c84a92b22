package io.mvmci.store;

import java.nio.file.Path;
import java.sql.Connection;
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
    Connection conn = c.createConnection("jdbc:sqlite:" + file);
    conn.setAutoCommit(false);
    return conn;
  }

  static Connection reader(Path file) throws SQLException {
    SQLiteConfig c = base();
    c.setReadOnly(true);
    return c.createConnection("jdbc:sqlite:" + file);
  }

  private static SQLiteConfig base() {
    SQLiteConfig c = new SQLiteConfig();
    c.setJournalMode(SQLiteConfig.JournalMode.WAL);
    c.setBusyTimeout(5_000);
    c.setTempStore(SQLiteConfig.TempStore.MEMORY);
    c.setCacheSize(-16_384); // KiB
    return c;
  }
}
