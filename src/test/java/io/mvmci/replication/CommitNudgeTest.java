package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitNudgeTest {
  @TempDir Path dir;

  /**
   * With a heartbeat every 1.25 s, a follower that learned of each commit only from the next heartbeat
   * would apply a lone entry 0–1.25 s after the leader; eight in a row within 600 ms happen by chance
   * less than once in 300 runs. With the nudge each arrives in about a round trip.
   */
  @Test
  void followersApplyALoneEntryWithoutWaitingForTheNextHeartbeat() throws Exception {
    try (RaftCluster c = new RaftCluster(dir, 3, 100_000, Duration.ofMillis(2500), Duration.ofMillis(3000))
        .startAll()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> c.leader().isPresent());
      RaftNode leader = c.leader().orElseThrow();
      List<RaftNode> followers = c.running().stream().filter(n -> n != leader).toList();
      List<Long> lagsMs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ReplicatedQueueTest.submit(leader, "https://example.com/" + i);
        long index = leader.stateMachine().getLastAppliedTermIndex().getIndex();
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> followers.stream()
            .allMatch(f -> f.stateMachine().getLastAppliedTermIndex().getIndex() >= index));
        lagsMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      }
      assertThat(lagsMs).as("ms from the leader's apply to both followers'").allMatch(ms -> ms < 600);
    }
  }

  /** Records the rounds started and the pauses asked for; a task with no pause runs at once. */
  static final class Rounds {
    final List<CompletableFuture<Void>> started = new ArrayList<>();
    final List<Long> pauses = new ArrayList<>();
    private final List<Runnable> paused = new ArrayList<>();

    CompletableFuture<?> start() {
      CompletableFuture<Void> f = new CompletableFuture<>();
      started.add(f);
      return f;
    }

    Future<?> after(long pauseMs, Runnable task) {
      if (pauseMs == 0) {
        task.run();
      } else {
        pauses.add(pauseMs);
        paused.add(task);
      }
      return CompletableFuture.completedFuture(null);
    }

    /** The last pause ends. */
    void endPause() {
      paused.remove(paused.size() - 1).run();
    }

    void completeLast() {
      started.get(started.size() - 1).complete(null);
    }
  }

  @Test
  void entriesAppliedWhileARoundIsOutAreCoveredByOneMoreAfterIt() {
    Rounds rounds = new Rounds();
    AtomicBoolean leads = new AtomicBoolean(true);
    CommitNudge nudge = new CommitNudge(ApplyListener.NONE, i -> leads.get(), i -> false, rounds::start,
        rounds::after);

    nudge.applied(1, List.of(), List.of());
    nudge.applied(2, List.of(), List.of());
    nudge.applied(3, List.of(), List.of());
    assertThat(rounds.started).hasSize(1);

    rounds.completeLast();
    assertThat(rounds.started).hasSize(2);
    rounds.started.get(1).completeExceptionally(new IllegalStateException("not the leader any more"));
    assertThat(rounds.started).hasSize(2);

    leads.set(false);
    nudge.applied(4, List.of(), List.of());
    assertThat(rounds.started).hasSize(2);
    leads.set(true);
    nudge.applied(5, List.of(), List.of());
    assertThat(rounds.started).hasSize(3);
    assertThat(rounds.pauses).isEmpty();
  }

  @Test
  void theRoundWaitsForEveryMemberToHaveTheEntryButNotForever() {
    Rounds rounds = new Rounds();
    List<Long> asked = new ArrayList<>();
    AtomicBoolean lagging = new AtomicBoolean(true);
    CommitNudge nudge = new CommitNudge(ApplyListener.NONE, i -> true, i -> asked.add(i) && lagging.get(),
        rounds::start, rounds::after);

    nudge.applied(7, List.of(), List.of());
    rounds.endPause();
    assertThat(rounds.started).isEmpty();
    lagging.set(false);
    rounds.endPause();
    assertThat(rounds.started).hasSize(1);
    assertThat(rounds.pauses).containsExactly(1L, 2L);
    assertThat(asked).containsOnly(7L);

    rounds.completeLast();
    lagging.set(true);
    nudge.applied(8, List.of(), List.of());
    for (int i = 0; i < CommitNudge.MAX_WAITS; i++) {
      rounds.endPause();
    }
    assertThat(rounds.started).as("a member down does not hold the others' round back").hasSize(2);
    assertThat(rounds.pauses).containsExactly(1L, 2L, 1L, 2L, 4L, 8L, 16L, 32L);
  }
}
