package io.mvmci.store;

import io.mvmci.testing.StoreFixture;
import io.mvmci.testing.DatabaseDump;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.command.Command;
import io.mvmci.command.DeterminismTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Raft snapshot is the online backup API's copy of the database, taken off the apply thread: the
 * copy must hold exactly the entries up to the position it names (a commit boundary), even while
 * entries keep applying, and open on its own with no {@code -wal} or {@code -shm} files left beside it.
 */
class SnapshotCopyTest {
  @TempDir Path dir;

  private static void applyAll(StoreFixture store, List<List<Command>> entries) throws Exception {
    long index = store.processor.appliedIndex();
    for (List<Command> batch : entries) {
      store.processor.apply(1, ++index, batch);
    }
  }

  /** A database that applied the first {@code count} of {@code entries}, as a dump. */
  private byte[] expected(String name, List<List<Command>> entries, int count) throws Exception {
    Path file = dir.resolve(name);
    try (StoreFixture store = new StoreFixture(file)) {
      applyAll(store, entries.subList(0, count));
    }
    return DatabaseDump.of(file);
  }

  @Test
  void theCopyHoldsExactlyTheLiveDatabaseAndNamesItsPosition() throws Exception {
    Path live = dir.resolve("live.sqlite");
    Path copy = dir.resolve("snapshot.sqlite");
    List<List<Command>> entries = DeterminismTest.entries(3);
    try (StoreFixture store = new StoreFixture(live)) {
      applyAll(store, entries);
      assertThat(Files.size(live.resolveSibling("live.sqlite-wal"))).as("committed pages wait in the WAL")
          .isPositive();
      assertThat(store.store.backupTo(copy)).isEqualTo(new QueueStore.Position(1, 299));
      assertThat(dir.resolve("snapshot.sqlite-wal")).as("reading the copy's position left no WAL").doesNotExist();
      assertThat(dir.resolve("snapshot.sqlite-shm")).doesNotExist();
      applyAll(store, DeterminismTest.entries(4)); // the live database moves on; the copy must not
      Path again = dir.resolve("snapshot-2.sqlite");
      assertThat(store.store.backupTo(again).index()).isEqualTo(599);
      assertThat(DatabaseDump.of(again)).isEqualTo(DatabaseDump.of(live));
    }
    assertThat(DatabaseDump.of(copy)).isEqualTo(expected("expected.sqlite", entries, 300));
    try (StoreFixture reopened = new StoreFixture(copy)) {
      assertThat(reopened.processor.appliedIndex()).isEqualTo(299);
      assertThat(reopened.store.queries().counts()).isNotEmpty();
    }
  }

  @Test
  void aCopyTakenWhileEntriesApplyHoldsExactlyTheEntriesUpToItsPosition() throws Exception {
    Path live = dir.resolve("live.sqlite");
    List<List<Command>> entries = new ArrayList<>();
    // Far more entries than apply during a copy: the applier stops once the copy is done, and must
    // not run out before it (six seeds' 405 entries once ran out between the wait and the copy).
    for (long seed = 10; seed < 40; seed++) {
      entries.addAll(DeterminismTest.entries(seed));
    }
    try (StoreFixture store = new StoreFixture(live)) {
      applyAll(store, entries.subList(0, 300)); // something to copy
      AtomicLong applied = new AtomicLong(299);
      AtomicBoolean copied = new AtomicBoolean();
      CompletableFuture<Void> applying = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 300; i < entries.size() && !copied.get(); i++) {
            store.processor.apply(1, i, entries.get(i));
            applied.set(i);
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> applied.get() >= 400);
      long before = applied.get();
      QueueStore.Position at = store.store.backupTo(dir.resolve("copy.sqlite"));
      long after = applied.get();
      copied.set(true);
      applying.join();
      assertThat(after).as("the applier had entries left").isLessThan(entries.size() - 1);
      assertThat(after).as("entries applied during the copy").isGreaterThan(before);
      assertThat(at.index()).as("a position the live database passed during the copy")
          .isBetween(before, after);
      assertThat(DatabaseDump.of(dir.resolve("copy.sqlite")))
          .isEqualTo(expected("expected.sqlite", entries, (int) at.index() + 1));
    }
  }
}
