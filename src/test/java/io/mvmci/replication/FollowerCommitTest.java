package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower applies a committed entry when it is committed, not at the leader's next heartbeat.
 * Ratis's appender sends nothing when only the commit index moved; the commit-index metadata entry
 * the leader appends after each commit is what carries it. Without it a follower applied every entry
 * up to a heartbeat late, and a job awaited on a follower came back 180-290 ms after the leader had
 * finished it. Here the heartbeat comes every 2.5 s, and the follower must apply within 1 s.
 */
class FollowerCommitTest {
  @TempDir Path dir;

  @Test
  void aFollowerAppliesAnEntryWithoutWaitingForTheNextHeartbeat() throws Exception {
    try (RaftCluster c = new RaftCluster(dir, 3, 100_000, Duration.ofSeconds(5)).startAll()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> c.leader().isPresent());
      RaftNode leader = c.leader().orElseThrow();
      // the first entries of a term (the leader's own) are out of the way
      ReplicatedQueueTest.submit(leader, "https://example.com/first");
      for (int i = 0; i < 3; i++) {
        long seq = ReplicatedQueueTest.submit(leader, "https://example.com/" + i).seq();
        for (RaftNode follower : c.running()) {
          if (follower == leader) {
            continue;
          }
          await("a follower applies job " + seq).atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
              .until(() -> follower.stateMachine().queries().get(seq).isPresent());
        }
        assertThat(leader.isLeader()).as("no election in between").isTrue();
      }
    }
  }
}
