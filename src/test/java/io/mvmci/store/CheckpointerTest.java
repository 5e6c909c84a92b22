package io.mvmci.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.command.SubmitJob;
import io.mvmci.testing.StoreFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAL reaches the database file through the {@link Checkpointer}'s thread, not through the apply
 * thread's commits: the writer checkpoints only past its backstop, far beyond what these tests write.
 * What the file alone holds is read from a copy of it without its {@code -wal}.
 */
class CheckpointerTest {
  @TempDir Path dir;

  /** The rows of {@code table} in the database file alone, as a copy of it without its WAL shows them. */
  private long rowsInTheFileAlone(Path file, String table) throws Exception {
    Path copy = Files.createTempDirectory(dir, "copy").resolve("alone.sqlite");
    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
      return r.next() ? r.getLong(1) : -1;
    }
  }

  private static long pragma(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA " + name)) {
      return r.next() ? r.getLong(1) : -1;
    }
  }

  @Test
  void entriesReachTheFileWithoutTheWriterCheckpointing() throws Exception {
    Path file = dir.resolve("queue.sqlite");
    try (StoreFixture store = StoreFixture.seeded(file)) {
      assertThat(pragma(store.store.writer(), "wal_autocheckpoint"))
          .as("the writer checkpoints only as a backstop").isEqualTo(Checkpointer.WRITER_BACKSTOP_PAGES);
      for (int i = 0; i < 200; i++) { // an entry each: about 2,000 pages of WAL, under the backstop
        store.apply(new SubmitJob(1_700_000_000_000L + i, "noop", "{}", null, 0, 0, 3, 60_000, null));
      }
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .untilAsserted(() -> assertThat(rowsInTheFileAlone(file, "jobs")).isEqualTo(200));
    }
  }

  @Test
  void aCheckpointThatFailsIsTriedAgain() throws Exception {
    Path file = dir.resolve("later/queue.sqlite"); // no directory yet: opening its connection fails
    try (Checkpointer checkpointer = Checkpointer.start(file)) {
      Thread.sleep(3 * Checkpointer.PERIOD_MS); // let it fail a few times: nothing else here can show it
      Files.createDirectories(file.getParent());
      try (Connection writer = Sqlite.writer(file); Statement s = writer.createStatement()) {
        s.execute("CREATE TABLE t (n INTEGER)");
        writer.commit();
        for (int i = 0; i < 50; i++) {
          s.execute("INSERT INTO t VALUES (" + i + ")");
          writer.commit();
        }
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
            .untilAsserted(() -> assertThat(rowsInTheFileAlone(file, "t")).isEqualTo(50));
      }
    }
  }

  @Test
  void closingEndsTheThreadAndItsConnection() throws Exception {
    Path file = dir.resolve("queue.sqlite");
    try (StoreFixture store = StoreFixture.seeded(file)) {
      Checkpointer checkpointer = Checkpointer.start(file);
      store.apply(new SubmitJob(1_700_000_000_000L, "noop", "{}", null, 0, 0, 3, 60_000, null));
      await().atMost(Duration.ofSeconds(20)).until(checkpointer::connected);
      checkpointer.close();
      assertThat(checkpointer.stopped()).isTrue();
      assertThat(checkpointer.connected()).isFalse();
    }
  }
}
