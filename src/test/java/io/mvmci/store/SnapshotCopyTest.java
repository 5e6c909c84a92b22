package io.mvmci.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.command.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Raft snapshot is the checkpointed database file, copied as it is: the copy must hold exactly
 * what the live database holds, open on its own, and a reader that keeps the checkpoint from
 * finishing must send the copy down the VACUUM INTO path instead of yielding a partial file.
 */
class SnapshotCopyTest {
  @TempDir Path dir;

  private static void applyAll(QueueStore store, List<List<Command>> entries) throws Exception {
    long index = store.processor().appliedIndex();
    for (List<Command> batch : entries) {
      store.processor().apply(1, ++index, batch);
    }
  }

  @Test
  void theCheckpointedFileCopyHoldsExactlyTheLiveDatabase() throws Exception {
    Path live = dir.resolve("live.sqlite");
    Path copy = dir.resolve("snapshot.sqlite");
    try (QueueStore store = QueueStore.open(live, 2)) {
      applyAll(store, DeterminismTest.entries(3));
      assertThat(Files.size(live.resolveSibling("live.sqlite-wal"))).as("committed pages wait in the WAL")
          .isPositive();
      assertThat(store.snapshotTo(copy)).as("copied as a file, not by VACUUM INTO").isTrue();
      applyAll(store, DeterminismTest.entries(4)); // the live database moves on; the copy must not
      Path again = dir.resolve("snapshot-2.sqlite");
      assertThat(store.snapshotTo(again)).isTrue();
      assertThat(DatabaseDump.of(again)).isEqualTo(DatabaseDump.of(live));
    }
    Path expected = dir.resolve("expected.sqlite");
    try (QueueStore store = QueueStore.open(expected, 1)) {
      applyAll(store, DeterminismTest.entries(3));
    }
    assertThat(DatabaseDump.of(copy)).isEqualTo(DatabaseDump.of(expected));
    try (QueueStore reopened = QueueStore.open(copy, 1)) {
      assertThat(reopened.processor().appliedIndex()).as("entries 0 to 299").isEqualTo(299);
      assertThat(reopened.queries().counts()).isNotEmpty();
    }
  }

  @Test
  void aReaderOnAnOlderSnapshotSendsTheCopyToVacuumInto() throws Exception {
    Path live = dir.resolve("live.sqlite");
    Path copy = dir.resolve("snapshot.sqlite");
    try (QueueStore store = QueueStore.open(live, 1)) {
      List<List<Command>> entries = DeterminismTest.entries(5);
      applyAll(store, entries.subList(0, 100));
      try (Connection reader = Sqlite.reader(live); Statement s = reader.createStatement()) {
        reader.setAutoCommit(false);
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM jobs")) {
          rs.next(); // holds a read transaction on the database as it is now
        }
        applyAll(store, entries.subList(100, 200));
        assertThat(store.snapshotTo(copy)).as("the checkpoint could not pass the reader").isFalse();
        reader.rollback();
      }
      assertThat(DatabaseDump.of(copy)).isEqualTo(DatabaseDump.of(live));
    }
  }
}
