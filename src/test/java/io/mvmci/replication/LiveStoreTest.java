package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvmci.testing.StoreFixture;
import io.mvmci.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening, restoring and replacing this node's database, with real SQLite files and snapshot copies. */
class LiveStoreTest {
  @TempDir Path dir;

  /** A database whose meta says it holds the entries up to {@code term:index}. */
  private Path databaseAt(String name, long term, long index) throws Exception {
    Path file = dir.resolve(name);
    try (StoreFixture s = new StoreFixture(file)) {
      s.processor.advance(term, index);
    }
    return file;
  }

  /** A snapshot as {@link BackgroundSnapshots} publishes it: the copy and its MD5 file. */
  private SingleFileSnapshotInfo snapshotAt(long term, long index) throws Exception {
    LiveStore source = new LiveStore(databaseAt("source.sqlite", term, index), 1);
    source.open(null);
    Path file = dir.resolve("snapshot." + term + "_" + index);
    TermIndex at = source.backupTo(file);
    source.close();
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
    return new SingleFileSnapshotInfo(new FileInfo(file, md5), at);
  }

  @Test
  void withoutASnapshotItOpensTheDatabaseAsItIs() throws Exception {
    LiveStore live = new LiveStore(databaseAt("live.sqlite", 2, 30), 1);

    live.open(null);

    assertThat(live.appliedIndex()).isEqualTo(30);
    assertThat(live.require()).isNotNull();
    live.close();
  }

  @Test
  void aMissingDatabaseIsRestoredFromTheSnapshot() throws Exception {
    SingleFileSnapshotInfo snapshot = snapshotAt(3, 42);
    LiveStore live = new LiveStore(dir.resolve("new-member/queue.sqlite"), 1);

    live.open(snapshot);

    assertThat(live.appliedIndex()).isEqualTo(42);
    live.close();
  }

  @Test
  void aDatabaseBehindTheSnapshotIsRestoredFromIt() throws Exception {
    SingleFileSnapshotInfo snapshot = snapshotAt(3, 42);
    LiveStore live = new LiveStore(databaseAt("live.sqlite", 3, 40), 1);

    live.open(snapshot);

    assertThat(live.appliedIndex()).isEqualTo(42);
    live.close();
  }

  @Test
  void aDatabaseAheadOfTheSnapshotIsKept() throws Exception {
    SingleFileSnapshotInfo snapshot = snapshotAt(3, 42);
    LiveStore live = new LiveStore(databaseAt("live.sqlite", 3, 50), 1);

    live.open(snapshot);

    assertThat(live.appliedIndex()).as("the log replays from the snapshot, skipping what the database holds")
        .isEqualTo(50);
    live.close();
  }

  @Test
  void anInstalledSnapshotReplacesTheDatabaseWhateverItHeld() throws Exception {
    SingleFileSnapshotInfo snapshot = snapshotAt(3, 42);
    LiveStore live = new LiveStore(databaseAt("live.sqlite", 3, 50), 1);
    live.open(null);

    live.close();
    assertThatThrownBy(live::require).isInstanceOf(StoreUnavailableException.class);
    assertThat(live.appliedIndex()).isEqualTo(-1);
    live.install(snapshot);

    assertThat(live.appliedIndex()).isEqualTo(42);
    live.close();
  }

  @Test
  void aSnapshotWhoseChecksumDoesNotMatchIsRefused() throws Exception {
    SingleFileSnapshotInfo snapshot = snapshotAt(3, 42);
    Path file = snapshot.getFile().getPath();
    Path other = Files.writeString(dir.resolve("other"), "another file");
    MD5FileUtil.saveMD5File(file.toFile(), MD5FileUtil.computeMd5ForFile(other.toFile()));
    Path db = databaseAt("live.sqlite", 3, 40);
    LiveStore live = new LiveStore(db, 1);

    assertThatThrownBy(() -> live.open(snapshot)).isInstanceOf(IOException.class)
        .hasMessageContaining("is corrupt");
    try (StoreFixture untouched = new StoreFixture(db)) {
      assertThat(untouched.processor.appliedIndex()).isEqualTo(40);
    }
  }

  @Test
  void aSnapshotWithoutAChecksumFileIsRefused() throws Exception {
    SingleFileSnapshotInfo snapshot = snapshotAt(3, 42);
    Files.delete(MD5FileUtil.getDigestFileForFile(snapshot.getFile().getPath().toFile()).toPath());

    assertThatThrownBy(() -> LiveStore.verify(snapshot.getFile().getPath())).isInstanceOf(IOException.class);
  }

  @Test
  void theSnapshotCopyNamesTheEntryItHolds() throws Exception {
    LiveStore live = new LiveStore(databaseAt("live.sqlite", 4, 77), 1);
    live.open(null);
    Path tmp = dir.resolve("copy.tmp");
    Files.writeString(tmp, "an older copy");

    assertThat(live.backupTo(tmp)).isEqualTo(TermIndex.valueOf(4, 77));

    try (StoreFixture copy = new StoreFixture(tmp)) {
      assertThat(copy.processor.appliedIndex()).isEqualTo(77);
    }
    live.close();
  }

  @Test
  void withoutAnOpenDatabaseNothingCanBeCopied() {
    LiveStore live = new LiveStore(dir.resolve("live.sqlite"), 1);

    assertThatThrownBy(() -> live.copyTo(dir.resolve("backup.sqlite")))
        .isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> live.backupTo(dir.resolve("copy.tmp"))).isInstanceOf(StoreUnavailableException.class);
  }
}
