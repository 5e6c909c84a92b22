package io.mvmci.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.replication.Membership.Handover;
import io.mvmci.replication.RaftNode;
import io.mvmci.testing.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stopping leader hands leadership over only if the followers it still reaches (answered within the
 * maximum election timeout, 1,000 ms here) are a majority of the voters: otherwise no leader could
 * commit once it stops, and a transfer would only delay the stop, by up to the handover's 3 s when its
 * target is gone too. Every in-process test cluster whose leader closed last paid those 3 s.
 */
class LoneLeaderStopTest {
  @TempDir Path dir;

  @Test
  void aLeaderThatReachesNoMajorityWithoutItselfStopsWithoutAHandover() throws Exception {
    List<TestNode> nodes = TestNode.startAll(TestNode.cluster(dir, 3, "\n[workers]\nembedded = 0\n"));
    try {
      TestNode leader = await().atMost(Duration.ofSeconds(60)).until(() -> nodes.stream()
          .filter(n -> n.bean(RaftNode.class).isLeader()).findFirst(), Optional::isPresent).get();
      List<TestNode> followers = nodes.stream().filter(n -> n != leader).toList();
      followers.get(0).stop();
      // a duration by definition: longer than the 1,000 ms within which a follower counts as reached
      Thread.sleep(2_000);
      RaftNode raft = leader.bean(RaftNode.class);
      assertThat(raft.isLeader()).as("still the leader, with the other follower").isTrue();

      long began = System.nanoTime();
      Handover outcome = raft.transferLeadership(3_000);
      long ms = (System.nanoTime() - began) / 1_000_000;
      assertThat(outcome).as("the one follower left would lead no majority").isEqualTo(Handover.NO_MAJORITY_REACHED);
      assertThat(ms).as("ms spent deciding").isLessThan(1_000);
      assertThat(raft.isLeader()).as("leadership stays where it is").isTrue();

      // with both followers back, the handover goes ahead
      followers.get(0).start();
      await().atMost(Duration.ofSeconds(60)).until(() -> raft.transferLeadership(3_000) == Handover.MOVED);
      assertThat(raft.isLeader()).isFalse();
    } finally {
      nodes.forEach(TestNode::close);
    }
  }
}
