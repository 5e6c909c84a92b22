package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot lifecycle without a Raft server: Ratis's real snapshot storage in a temporary
 * directory, a fake copy, an executor that runs a copy only when the test says so, and a clock the
 * test moves. The real copy ({@link LiveStore#backupTo}) is covered by {@link LiveStoreTest} and the
 * cluster tests.
 */
class BackgroundSnapshotsTest {
  @TempDir Path dir;

  private RaftStorage raftStorage;
  private final SnapshotStorage storage = new SnapshotStorage();
  private Path sm;
  private final ManualExecutor executor = new ManualExecutor();
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  /** What the fake copy says it holds; it fails with {@link #failure} if that is set. */
  private final TermIndex copyAt = TermIndex.valueOf(1, 10);
  private IOException failure;
  private int copies;
  private BackgroundSnapshots snapshots;

  @BeforeEach
  void storage() throws IOException {
    raftStorage = RaftStorage.newBuilder()
        .setDirectory(dir.resolve("raft").toFile())
        .setOption(RaftStorage.StartupOption.FORMAT)
        .setStorageFreeSpaceMin(SizeInBytes.valueOf(0))
        .setLogCorruptionPolicy(RaftServerConfigKeys.Log.CorruptionPolicy.getDefault())
        .build();
    raftStorage.initialize();
    storage.init(raftStorage);
    sm = raftStorage.getStorageDir().getStateMachineDir().toPath();
    Files.createDirectories(sm);
    snapshots = new BackgroundSnapshots(storage, this::fakeCopy, executor, clock::get);
    snapshots.init(sm);
  }

  @AfterEach
  void closeStorage() throws IOException {
    raftStorage.close();
  }

  private TermIndex fakeCopy(Path tmp) throws IOException {
    copies++;
    if (failure != null) {
      throw failure;
    }
    Files.writeString(tmp, "database at " + copyAt.getTerm() + ":" + copyAt.getIndex(), StandardCharsets.UTF_8);
    return copyAt;
  }

  private Path tmp() {
    return sm.resolve(BackgroundSnapshots.TMP_NAME);
  }

  /** A snapshot installed from a leader, as Ratis leaves it in {@code sm/} before reinitialize. */
  private void install(long term, long index) throws IOException {
    Path file = storage.getSnapshotFile(term, index).toPath();
    Files.writeString(file, "installed", StandardCharsets.UTF_8);
    var md5 = MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file, md5), TermIndex.valueOf(term, index)));
  }

  @Test
  void theFirstCallStartsACopyAndReturnsMinusOne() throws IOException {
    assertThat(snapshots.take(10, 10)).isEqualTo(-1);

    assertThat(executor.queued()).as("a copy was handed to the executor").isEqualTo(1);
    assertThat(copies).as("nothing was copied on the calling thread").isZero();
    assertThat(storage.getLatestSnapshot()).isNull();
  }

  @Test
  void whileTheCopyRunsEveryCallReturnsMinusOneAndStartsNoOther() throws IOException {
    snapshots.take(10, 10);

    assertThat(snapshots.take(11, 11)).isEqualTo(-1);
    assertThat(snapshots.take(12, 12)).isEqualTo(-1);

    assertThat(executor.queued()).isEqualTo(1);
    assertThat(storage.getLatestSnapshot()).isNull();
  }

  @Test
  void theFirstCallAfterTheCopyFinishedPublishesIt() throws IOException {
    snapshots.take(10, 10);
    executor.runAll();
    assertThat(storage.getLatestSnapshot()).as("not published on the executor").isNull();

    assertThat(snapshots.take(12, 12)).isEqualTo(10);

    Path published = storage.getSnapshotFile(1, 10).toPath();
    assertThat(published).hasFileName("snapshot.1_10").hasContent("database at 1:10");
    assertThat(tmp()).doesNotExist();
    assertThat(MD5FileUtil.getDigestFileForFile(published.toFile())).exists();
    assertThat(storage.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(1, 10));
    assertThat(storage.getLatestSnapshot().getFile().getPath()).isEqualTo(published);
    assertThat(snapshots.taken()).isEqualTo(1);
    assertThat(snapshots.take(12, 12)).as("the next call starts the next copy").isEqualTo(-1);
    assertThat(executor.queued()).isEqualTo(1);
  }

  @Test
  void thePublishedSnapshotsChecksumVerifies() throws IOException {
    snapshots.take(10, 10);
    executor.runAll();
    snapshots.take(10, 10);
    Path published = storage.getSnapshotFile(1, 10).toPath();

    LiveStore.verify(published);
    MD5FileUtil.verifySavedMD5(published.toFile(), storage.getLatestSnapshot().getFile().getFileDigest());

    Files.writeString(published, "database at 1:11", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> LiveStore.verify(published)).isInstanceOf(IOException.class)
        .hasMessageContaining("is corrupt");
  }

  @Test
  void aCopyBeyondRatissAppliedIndexWaitsUntilRatisCatchesUp() throws IOException {
    // after a restart Ratis replays entries the database already holds: the copy is ahead of Ratis
    snapshots.take(10, 7);
    executor.runAll();

    assertThat(snapshots.take(10, 7)).isEqualTo(-1);
    assertThat(snapshots.take(10, 9)).isEqualTo(-1);
    assertThat(storage.getLatestSnapshot()).isNull();
    assertThat(tmp()).exists();
    assertThat(executor.queued()).as("the finished copy is kept, not made again").isZero();

    assertThat(snapshots.take(10, 10)).isEqualTo(10);
  }

  @Test
  void aCopyOvertakenByAnInstalledSnapshotIsDropped() throws IOException {
    snapshots.take(10, 10);
    executor.runAll();
    install(2, 20);

    assertThat(snapshots.take(25, 25)).isEqualTo(-1);

    assertThat(tmp()).doesNotExist();
    assertThat(storage.getSnapshotFile(1, 10)).doesNotExist();
    assertThat(storage.getLatestSnapshot().getIndex()).isEqualTo(20);
    assertThat(snapshots.taken()).isZero();
    snapshots.take(25, 25);
    assertThat(executor.queued()).as("the next call copies again").isEqualTo(1);
  }

  @Test
  void noCopyStartsUnlessTheDatabaseIsBeyondTheLatestSnapshot() throws IOException {
    assertThat(snapshots.take(-1, 5)).as("no database, or not running").isEqualTo(-1);
    assertThat(executor.queued()).isZero();

    install(1, 10);
    snapshots.take(10, 10);
    assertThat(executor.queued()).isZero();

    snapshots.take(11, 11);
    assertThat(executor.queued()).isEqualTo(1);
  }

  @Test
  void dropDeletesAFinishedCopyInsteadOfPublishingIt() throws IOException {
    snapshots.take(10, 10);
    executor.runAll();

    snapshots.drop();

    assertThat(tmp()).doesNotExist();
    assertThat(storage.getLatestSnapshot()).isNull();
    assertThat(snapshots.taken()).isZero();
    snapshots.take(10, 10);
    assertThat(executor.queued()).as("after a drop the next call copies again").isEqualTo(1);
  }

  @Test
  void closePublishesAFinishedCopyAndRefusesNewOnes() throws IOException {
    snapshots.take(10, 10);
    executor.runAll();

    snapshots.close();

    assertThat(storage.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(1, 10));
    assertThat(snapshots.taken()).isEqualTo(1);
    assertThat(executor.isShutdown()).isTrue();
    assertThat(snapshots.take(20, 20)).as("no copy starts once closed").isEqualTo(-1);
    assertThat(executor.queued()).isZero();
  }

  @Test
  void dropWaitsForACopyStillRunning() throws Exception {
    assertWaitsForTheRunningCopy(false);
  }

  @Test
  void closeWaitsForACopyStillRunning() throws Exception {
    assertWaitsForTheRunningCopy(true);
  }

  /**
   * The copy runs on a real thread and finishes only once another thread lets it; whichever of that
   * and the call comes first, the call must return after the copy finished, then drop or publish it.
   */
  private void assertWaitsForTheRunningCopy(boolean close) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    BackgroundSnapshots real = new BackgroundSnapshots(storage, tmp -> {
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      TermIndex at = fakeCopy(tmp);
      finished.set(true);
      return at;
    }, thread, clock::get);
    real.init(sm);
    try {
      real.take(10, 10);
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      new Thread(release::countDown).start();

      if (close) {
        real.close();
      } else {
        real.drop();
      }

      assertThat(finished).isTrue();
      assertThat(tmp()).doesNotExist();
      if (close) {
        assertThat(storage.getLatestSnapshot().getIndex()).isEqualTo(10);
      } else {
        assertThat(storage.getLatestSnapshot()).isNull();
      }
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void aFailedCopyIsTriedAgainOnlyAfterTheRetryInterval() throws IOException {
    failure = new IOException("No space left on device");
    snapshots.take(10, 10);
    executor.runAll();
    assertThat(snapshots.take(10, 10)).as("the failure is collected").isEqualTo(-1);
    assertThat(storage.getLatestSnapshot()).isNull();

    failure = null;
    clock.addAndGet(BackgroundSnapshots.RETRY_NANOS - 1);
    assertThat(snapshots.take(11, 11)).isEqualTo(-1);
    assertThat(executor.queued()).as("no copy within the retry interval").isZero();

    clock.addAndGet(1);
    assertThat(snapshots.take(11, 11)).isEqualTo(-1);
    assertThat(executor.queued()).isEqualTo(1);
    executor.runAll();
    assertThat(snapshots.take(11, 11)).isEqualTo(10);
    assertThat(copies).isEqualTo(2);
  }

  @Test
  void aCopyThatFailsWhileClosingIsNotAnError() throws IOException {
    failure = new IOException("No space left on device");
    snapshots.take(10, 10);
    executor.runAll();

    snapshots.close();

    assertThat(storage.getLatestSnapshot()).isNull();
    assertThat(snapshots.taken()).isZero();
  }

  @Test
  void initDeletesACrashsLeftoverCopy() throws IOException {
    Files.writeString(tmp(), "half a copy", StandardCharsets.UTF_8);

    snapshots.init(sm);

    assertThat(tmp()).doesNotExist();
  }

  /** Runs the tasks handed to it only when {@link #runAll} is called, on the caller's thread. */
  static final class ManualExecutor extends AbstractExecutorService {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean shutdown;

    @Override
    public void execute(Runnable task) {
      if (shutdown) {
        throw new RejectedExecutionException("shut down");
      }
      tasks.add(task);
    }

    int queued() {
      return tasks.size();
    }

    void runAll() {
      while (!tasks.isEmpty()) {
        tasks.poll().run();
      }
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      List<Runnable> left = List.copyOf(tasks);
      tasks.clear();
      return left;
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown && tasks.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return isTerminated();
    }
  }
}
