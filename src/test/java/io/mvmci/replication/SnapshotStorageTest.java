package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SnapshotStorage} on a real Ratis storage directory. */
class SnapshotStorageTest {
  @TempDir Path dir;
  private RaftStorage raft;

  @AfterEach
  void close() throws IOException {
    if (raft != null) {
      raft.close();
    }
  }

  private SnapshotStorage open(RaftStorage.StartupOption option) throws IOException {
    raft = RaftStorage.newBuilder()
        .setDirectory(dir.resolve("raft").toFile())
        .setOption(option)
        .setStorageFreeSpaceMin(SizeInBytes.valueOf(0))
        .setLogCorruptionPolicy(RaftServerConfigKeys.Log.CorruptionPolicy.getDefault())
        .build();
    raft.initialize();
    SnapshotStorage s = new SnapshotStorage();
    s.init(raft);
    Files.createDirectories(raft.getStorageDir().getStateMachineDir().toPath());
    return s;
  }

  /** A snapshot file with its MD5 in {@code sm/}, as a background copy or an installation leaves it. */
  private static SingleFileSnapshotInfo write(SnapshotStorage s, long term, long index) throws IOException {
    Path file = s.getSnapshotFile(term, index).toPath();
    Files.writeString(file, "database at " + index, StandardCharsets.UTF_8);
    var md5 = MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
    return new SingleFileSnapshotInfo(new FileInfo(file, md5), TermIndex.valueOf(term, index));
  }

  @Test
  void anEmptyDirectoryIsListedOnceAndAFileNobodyAnnouncedIsSeenOnlyWhenLoaded() throws Exception {
    SnapshotStorage s = open(RaftStorage.StartupOption.FORMAT);
    assertThat(s.getLatestSnapshot()).isNull();

    // Ratis's own storage lists sm/ again on every call while it has none, and would see this file at once
    write(s, 1, 40);
    assertThat(s.getLatestSnapshot()).as("no listing after the one that found nothing").isNull();

    // what QueueStateMachine.reinitialize does after an installation from the leader
    assertThat(s.loadLatestSnapshot().getIndex()).isEqualTo(40);
    assertThat(s.getLatestSnapshot().getIndex()).isEqualTo(40);
  }

  @Test
  void aPublishedSnapshotIsTheLatestAtOnceAndANewerOneReplacesIt() throws Exception {
    SnapshotStorage s = open(RaftStorage.StartupOption.FORMAT);
    assertThat(s.getLatestSnapshot()).isNull();

    s.updateLatestSnapshot(write(s, 1, 10)); // what BackgroundSnapshots.publish does
    assertThat(s.getLatestSnapshot().getIndex()).isEqualTo(10);

    s.updateLatestSnapshot(write(s, 2, 25));
    assertThat(s.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(2, 25));
    assertThat(s.loadLatestSnapshot().getIndex()).isEqualTo(25);
  }

  @Test
  void aRestartFindsTheSnapshotOnDisk() throws Exception {
    SnapshotStorage first = open(RaftStorage.StartupOption.FORMAT);
    first.updateLatestSnapshot(write(first, 3, 77));
    raft.close();
    raft = null;

    SnapshotStorage again = open(RaftStorage.StartupOption.RECOVER);
    assertThat(again.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(3, 77));
  }
}
