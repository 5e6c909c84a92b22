package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Read barriers with a fake ReadIndex: every request is recorded with its future, and the test
 * completes the futures by hand, so which callers share which round trip is fully determined.
 */
class ReadBarrierTest {
  private final List<CompletableFuture<Object>> rounds = new ArrayList<>();
  private RuntimeException throwNext;
  private final ReadBarrier barrier = new ReadBarrier(() -> {
    if (throwNext != null) {
      RuntimeException e = throwNext;
      throwNext = null;
      throw e;
    }
    CompletableFuture<Object> round = new CompletableFuture<>();
    rounds.add(round);
    return round;
  });

  private static Throwable failure(CompletableFuture<?> f) {
    assertThat(f).isCompletedExceptionally();
    return f.handle((ok, error) -> error).join();
  }

  @Test
  void aLoneCallerSendsOneReadIndexAndPassesWhenItReturns() {
    CompletableFuture<Void> mine = barrier.await();

    assertThat(rounds).hasSize(1);
    assertThat(mine).isNotDone();
    rounds.get(0).complete("read index 42");
    assertThat(mine).isCompleted().isNotCompletedExceptionally();
    assertThat(rounds).as("no one waits for another round").hasSize(1);
  }

  @Test
  void callersArrivingDuringARoundShareTheNextOneNotTheCurrent() {
    CompletableFuture<Void> first = barrier.await();

    CompletableFuture<Void> second = barrier.await();
    CompletableFuture<Void> third = barrier.await();

    assertThat(rounds).as("no request for them yet").hasSize(1);
    assertThat(second).isNotSameAs(third).isNotSameAs(first);
    rounds.get(0).complete(null);
    assertThat(first).isCompleted();
    assertThat(second).as("the first round may predate them").isNotDone();
    assertThat(rounds).as("their round is sent as soon as the first returns").hasSize(2);
    rounds.get(1).complete(null);
    assertThat(second).isCompleted().isNotCompletedExceptionally();
    assertThat(rounds).hasSize(2);
  }

  /**
   * Regression (found by the fault-injection soak): a read that timed out cancelled the round it
   * shared, and every other caller on it failed with a CancellationException, the node's start-up
   * among them.
   */
  @Test
  void aCallerThatCancelsItsWaitCancelsNoOneElses() {
    CompletableFuture<Void> lone = barrier.await();
    CompletableFuture<Void> second = barrier.await();
    CompletableFuture<Void> third = barrier.await();

    lone.cancel(false);
    second.cancel(false);
    rounds.get(0).complete(null);
    assertThat(rounds).as("the next round still goes out").hasSize(2);
    rounds.get(1).complete(null);
    assertThat(third).isCompleted().isNotCompletedExceptionally();
    assertThat(barrier.await()).as("and later callers start afresh").isNotDone();
  }

  @Test
  void aCallerAfterAllRoundsFinishedStartsAFreshOne() {
    barrier.await();
    rounds.get(0).complete(null);

    CompletableFuture<Void> later = barrier.await();

    assertThat(rounds).hasSize(2);
    assertThat(later).isNotDone();
    rounds.get(1).complete(null);
    assertThat(later).isCompleted();
  }

  @Test
  void anErrorFailsOnlyItsOwnRoundUnwrappedAndTheNextRoundStillRuns() {
    CompletableFuture<Void> first = barrier.await();
    CompletableFuture<Void> second = barrier.await();
    ReplicationException noLeader = new ReplicationException("no leader", true);

    rounds.get(0).completeExceptionally(new CompletionException(noLeader));

    assertThat(failure(first)).isSameAs(noLeader);
    assertThat(second).isNotDone();
    assertThat(rounds).hasSize(2);
    rounds.get(1).complete(null);
    assertThat(second).isCompleted().isNotCompletedExceptionally();
    CompletableFuture<Void> third = barrier.await();
    rounds.get(2).complete(null);
    assertThat(third).isCompleted().isNotCompletedExceptionally();
  }

  @Test
  void aReadIndexThatThrowsFailsItsRoundAndTheNextCallerStartsAnother() {
    IllegalStateException closed = new IllegalStateException("client closed");
    throwNext = closed;

    CompletableFuture<Void> first = barrier.await();

    assertThat(failure(first)).isSameAs(closed);
    CompletableFuture<Void> second = barrier.await();
    assertThat(rounds).hasSize(1);
    rounds.get(0).complete(null);
    assertThat(second).isCompleted().isNotCompletedExceptionally();
  }
}
