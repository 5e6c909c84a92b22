package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the guard makes of the data directory and of the storage layers' reports, with a fake disk. */
class DiskGuardTest {
  static final Path DIR = Path.of("/data/raft");
  long usable = 1L << 30;
  boolean readOnly;
  boolean broken;

  final DiskGuard.Probe probe = new DiskGuard.Probe() {
    @Override
    public boolean readOnly(Path dir) throws IOException {
      if (broken) {
        throw new IOException("Input/output error");
      }
      return readOnly;
    }

    @Override
    public long usableBytes(Path dir) {
      return usable;
    }
  };

  final DiskGuard guard = new DiskGuard(2, List.of(DIR), 256L << 20, probe);

  @Test
  void plentyOfSpaceRefusesNothing() {
    guard.check();
    assertThat(guard.refusal()).isEmpty();
    assertThat(guard.status().fault()).isEqualTo(DiskGuard.Fault.NONE);
    assertThat(guard.status().usableBytes()).isEqualTo(1L << 30);
  }

  @Test
  void belowTheReserveWritesAreRefusedUntilSpaceReturns() {
    usable = 100L << 20;
    guard.check();
    assertThat(guard.refusal()).hasValue("node 2 cannot store writes: its data directory /data/raft has 100 MiB free,"
        + " below the reserve of 256 MiB ([raft] min_free_disk_mb); free space there and writes resume");
    usable = 300L << 20;
    guard.check();
    assertThat(guard.refusal()).isEmpty();
  }

  @Test
  void aFileSystemTurnedReadOnlyIsRefusedUntilItIsWritable() {
    readOnly = true;
    guard.check();
    assertThat(guard.status().fault()).isEqualTo(DiskGuard.Fault.READ_ONLY);
    assertThat(guard.refusal().orElseThrow()).contains("read-only file system");
    readOnly = false;
    guard.check();
    assertThat(guard.refusal()).isEmpty();
    broken = true;
    guard.check();
    assertThat(guard.refusal().orElseThrow()).contains("cannot be examined (Input/output error)");
  }

  @Test
  void anEntryWaitingForTheDiskIsRefusedUntilItGoesIn() {
    guard.applyBlocked(41, "[SQLITE_FULL] database or disk is full");
    assertThat(guard.status().fault()).isEqualTo(DiskGuard.Fault.APPLY_BLOCKED);
    assertThat(guard.refusal().orElseThrow()).contains("entry 41 could not be written").contains("SQLITE_FULL");
    guard.applyResumed();
    assertThat(guard.refusal()).isEmpty();
  }

  @Test
  void aFailedRaftLogStopsTheServerOnceAndStaysRefusedUntilRestart() throws Exception {
    java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(2);
    guard.onLogFailed(stopped::countDown);
    guard.logFailed(new IOException("No space left on device"));
    guard.logFailed(new IOException("Log already failed"));
    assertThat(stopped.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("stopped once only").isFalse();
    assertThat(stopped.getCount()).isEqualTo(1);
    guard.check();
    assertThat(guard.status().fault()).isEqualTo(DiskGuard.Fault.LOG_FAILED);
    assertThat(guard.refusal().orElseThrow()).contains("No space left on device").contains("restart the node");
  }
}
