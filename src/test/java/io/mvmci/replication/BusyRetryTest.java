package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** A locked database is applied again with growing pauses; anything else stops the node at once. */
class BusyRetryTest {
  private final AtomicLong clock = new AtomicLong();
  private final List<Long> pauses = new ArrayList<>();
  /** Sleeping moves the fake clock by the pause, so the retry window passes without waiting. */
  private final BusyRetry retry = new BusyRetry(clock::get, ms -> {
    pauses.add(ms);
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  });

  private static SQLException locked() {
    return new SQLiteException("[SQLITE_BUSY] The database file is locked (database is locked)",
        SQLiteErrorCode.SQLITE_BUSY);
  }

  /** Fails with {@code error} the first {@code failures} times, then answers "applied". */
  private static BusyRetry.Attempt<String> failing(int failures, SQLException error, AtomicInteger attempts) {
    return () -> {
      if (attempts.incrementAndGet() <= failures) {
        throw error;
      }
      return "applied";
    };
  }

  @Test
  void anApplyThatSucceedsReturnsItsResultWithoutPausing() {
    AtomicInteger attempts = new AtomicInteger();

    assertThat(retry.applyOrStop(1, 5, failing(0, null, attempts))).isEqualTo("applied");

    assertThat(attempts).hasValue(1);
    assertThat(pauses).isEmpty();
  }

  @Test
  void aLockedDatabaseIsAppliedAgainWithPausesGrowingToOneSecond() {
    AtomicInteger attempts = new AtomicInteger();

    assertThat(retry.applyOrStop(1, 5, failing(9, locked(), attempts))).isEqualTo("applied");

    assertThat(attempts).hasValue(10);
    assertThat(pauses).containsExactly(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1_000L, 1_000L);
  }

  @Test
  void anyOtherSqlErrorStopsTheNodeAtOnce() {
    SQLException corrupt = new SQLiteException("[SQLITE_CORRUPT] database disk image is malformed",
        SQLiteErrorCode.SQLITE_CORRUPT);
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(() -> retry.applyOrStop(2, 7, failing(1, corrupt, attempts)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot apply entry 2:7 to the queue database; stopping this node")
        .hasCause(corrupt);
    assertThat(attempts).hasValue(1);
    assertThat(pauses).isEmpty();
  }

  /**
   * A full disk, a read-only one or an I/O error is waited out for as long as it lasts (the apply
   * thread stops nothing and skips nothing), with pauses growing to 5 s; the node is told when the
   * entry waits and when it went in.
   */
  @Test
  void storageThatCannotTakeTheEntryIsWaitedOutForAsLongAsItLasts() {
    List<String> told = new ArrayList<>();
    BusyRetry storage = new BusyRetry(clock::get, ms -> {
      pauses.add(ms);
      clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }, new BusyRetry.Faults() {
      @Override
      public void blocked(long index, String cause) {
        told.add("blocked " + index + ": " + cause);
      }

      @Override
      public void resumed() {
        told.add("resumed");
      }
    });
    for (SQLiteErrorCode code : List.of(SQLiteErrorCode.SQLITE_FULL, SQLiteErrorCode.SQLITE_IOERR_WRITE,
        SQLiteErrorCode.SQLITE_READONLY, SQLiteErrorCode.SQLITE_CANTOPEN)) {
      told.clear();
      pauses.clear();
      AtomicInteger attempts = new AtomicInteger();
      SQLException full = new SQLiteException("[" + code.name() + "] " + code.message, code);

      assertThat(storage.applyOrStop(3, 11, failing(100, full, attempts))).isEqualTo("applied");

      assertThat(attempts).hasValue(101);
      assertThat(TimeUnit.NANOSECONDS.toMillis(clock.get())).as("far beyond the lock window")
          .isGreaterThan(BusyRetry.BUSY_RETRY_MS);
      assertThat(pauses).startsWith(100L, 200L, 400L).contains(BusyRetry.STORAGE_PAUSE_MAX_MS)
          .allMatch(p -> p <= BusyRetry.STORAGE_PAUSE_MAX_MS);
      assertThat(told).hasSize(101).startsWith("blocked 11: " + full.getMessage()).endsWith("resumed");
    }
  }

  @Test
  void aLockThatOutlastsTheRetryWindowStopsTheNode() {
    SQLException busy = locked();
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(() -> retry.applyOrStop(2, 7, failing(Integer.MAX_VALUE, busy, attempts)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot apply entry 2:7")
        .hasCause(busy);
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(clock.get());
    assertThat(waitedMs).isGreaterThan(BusyRetry.BUSY_RETRY_MS).isLessThanOrEqualTo(BusyRetry.BUSY_RETRY_MS + 1_000);
    assertThat(attempts).hasValue(pauses.size() + 1);
  }

  @Test
  void anInterruptDuringAPauseStopsTheNodeAndKeepsTheInterrupt() {
    BusyRetry interrupted = new BusyRetry(clock::get, ms -> {
      throw new InterruptedException();
    });
    AtomicInteger attempts = new AtomicInteger();
    try {
      assertThatThrownBy(() -> interrupted.applyOrStop(3, 9, failing(1, locked(), attempts)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("interrupted while applying entry 3:9");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
