package io.mvmci.replication;

import static io.mvmci.replication.ReplicatedQueueTest.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower that was away long enough for the leader to fail to reach it dozens of times is caught up
 * within a few heartbeats of its return, not after the leader's next multi-second back-off.
 *
 * <p>Ratis's log appender counts each failed or inconsistent append to a follower and, by default
 * ({@code raft.server.log.appender.retry.policy = 1ms,10, 1s,20, 5s,1000}), sleeps 1 s after the
 * tenth and 5 s after the thirtieth, until an append succeeds. A follower down for 25 s is past thirty,
 * and the first append after its return is often rejected as inconsistent (the leader stepped its next
 * index back while it was gone), which under that policy costs another 5 s; {@code
 * scripts/test-cluster.sh} saw a restarted node hold the others' jobs 10 s after it answered HTTP. The
 * node's own policy ({@link RaftNodeSetup#appenderRetryPolicy}) never sleeps longer than half a
 * heartbeat.
 */
class FollowerCatchUpTest {
  @TempDir Path dir;

  @Test
  void aFollowerBackAfterALongAbsenceCatchesUpWithinAFewHeartbeats() throws Exception {
    try (RaftCluster c = new RaftCluster(dir, 3, 100_000).startAll()) {
      RaftNode leader = await().atMost(Duration.ofSeconds(20)).until(c::leader, Optional::isPresent).get();
      int away = c.running().stream().filter(n -> n != leader).findFirst().orElseThrow().selfId();
      submit(leader, "https://example.com/before");
      c.stop(away);

      // 25 s of writes the follower misses: the leader's appender fails to reach it all along
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
      int written = 0;
      while (System.nanoTime() < until) {
        submit(leader, "https://example.com/while-away-" + written++, 20);
        TimeUnit.MILLISECONDS.sleep(250);
      }
      long commit = leader.commitIndex();

      RaftNode back = c.start(away);
      long started = System.nanoTime();
      await("node " + away + " applies index " + commit + " after its return")
          .atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(20))
          .until(() -> back.appliedIndex() >= commit);
      System.out.printf("caught up %d entries (%d writes) %d ms after its restart%n", commit,
          written, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      assertThat(ReplicatedQueueTest.readAll(back)).hasSize(written + 1);
    }
  }
}
