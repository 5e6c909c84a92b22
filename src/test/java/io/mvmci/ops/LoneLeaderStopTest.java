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
      TestNode first = await().atMost(Duration.ofSeconds(60)).until(() -> leader(nodes), Optional::isPresent).get();
      TestNode gone = nodes.stream().filter(n -> n != first).findFirst().orElseThrow();
      gone.stop();
      // a duration by definition: longer than the 1,000 ms within which a follower counts as reached
      // (a leader elected meanwhile, on a loaded machine, counts a member it never heard from as gone)
      Thread.sleep(2_000);
      TestNode leader = await().atMost(Duration.ofSeconds(60)).until(() -> leader(nodes), Optional::isPresent).get();

      long began = System.nanoTime();
      Handover outcome = leader.bean(RaftNode.class).transferLeadership(3_000);
      long ms = (System.nanoTime() - began) / 1_000_000;
      assertThat(outcome).as("the one follower left would lead no majority").isEqualTo(Handover.NO_MAJORITY_REACHED);
      assertThat(ms).as("ms spent deciding").isLessThan(1_000);

      // with the member back, a handover goes ahead
      gone.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> leader(nodes)
          .map(n -> n.bean(RaftNode.class).transferLeadership(3_000) == Handover.MOVED).orElse(false));
    } finally {
      nodes.forEach(TestNode::close);
    }
  }

  static Optional<TestNode> leader(List<TestNode> nodes) {
    return nodes.stream().filter(TestNode::running).filter(n -> n.bean(RaftNode.class).isLeader()).findFirst();
  }
}
