package io.mvmci.replication;

import static io.mvmci.replication.ReplicatedQueueTest.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changing the group's members with Ratis's configuration, on in-process nodes: a joiner starts
 * outside the group, catches up as a listener from the leader's snapshot (the log it would need was
 * purged), votes once promoted, and sees itself removed; a restarted node follows the replicated
 * members rather than the list it was started with.
 */
class MembershipTest {
  @TempDir Path dir;

  private RaftSettings joiner(RaftCluster c, int id, String raft) {
    List<RaftSettings.Peer> peers = new ArrayList<>(c.peers);
    peers.add(new RaftSettings.Peer(id, raft));
    RaftSettings s = c.settings(1);
    Path home = dir.resolve("node" + id);
    return new RaftSettings(id, peers, home.resolve("raft"), home.resolve("db/queue.sqlite"), s.bindHost(),
        s.electionTimeoutMin(), s.electionTimeoutMax(), s.requestTimeout(), s.snapshotEveryEntries(),
        s.snapshotsRetained(), s.readConnections(), s.groupCommit(), s.logEntryMaxBytes(), s.logSegmentBytes(),
        s.diskReserveBytes(), s.secret(), s.ratisProperties(), true);
  }

  @Test
  void aJoinerCatchesUpAsAListenerFromASnapshotThenVotesAndIsRemovedAgain() throws Exception {
    try (RaftCluster c = new RaftCluster(dir, 3, 20).startAll()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> c.leader().isPresent());
      RaftNode one = c.node(1);
      for (int i = 0; i < 200; i++) {
        submit(one, "https://example.com/" + i);
      }
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        submit(one, "https://example.com/more");
        assertThat(c.running()).allSatisfy(n -> assertThat(n.stateMachine().getLatestSnapshot()).isNotNull());
      });
      GroupMembers three = one.membership().current();
      assertThat(three.voters()).extracting(RaftSettings.Peer::id).containsExactly(1, 2, 3);
      assertThat(three.stable()).isTrue();

      String raft4 = FreePorts.loopbackAddress();
      try (RaftNode four = RaftNode.start(joiner(c, 4, raft4), ApplyListener.NONE)) {
        assertThat(four.membership().isMember()).as("a joiner before it is added").isFalse();
        assertThat(four.membership().removed()).as("a joiner not yet added is not removed").isFalse();

        RaftSettings.Peer p4 = new RaftSettings.Peer(4, raft4);
        one.membership().change(three, three.voters(), List.of(p4));
        GroupMembers listening = one.membership().current();
        assertThat(listening.listeners()).containsExactly(p4);
        assertThat(listening.isVoter(4)).isFalse();
        long target = one.commitIndex();
        await("node 4 catches up as a listener").atMost(Duration.ofSeconds(40))
            .until(() -> four.appliedIndex() >= target);
        assertThat(four.stateMachine().snapshotsInstalled()).as("caught up from the leader's snapshot").isPositive();
        assertThat(four.membership().isMember()).isTrue();
        assertThat(four.membership().isVoter()).isFalse();

        List<RaftSettings.Peer> fourVoters = new ArrayList<>(three.voters());
        fourVoters.add(p4);
        assertThatThrownBy(() -> one.membership().change(three, fourVoters, List.of()))
            .as("a change computed from a configuration that is not the current one")
            .isInstanceOf(MembershipConflictException.class).hasMessageContaining("changed meanwhile");
        one.membership().promote(4, java.util.Optional.empty());
        await().atMost(Duration.ofSeconds(10)).until(() -> four.membership().isVoter());
        assertThat(one.members()).isEqualTo(4);

        // with four voters, three are a quorum: one stopped, node 4's vote counts
        int stopped = c.leader().orElseThrow().selfId() == 2 ? 3 : 2;
        c.stop(stopped);
        submit(four, "https://example.com/with-four");
        c.start(stopped);

        // a restarted node follows the replicated members, not the peers it was given (1, 2, 3)
        await().atMost(Duration.ofSeconds(10)).until(() -> c.node(stopped).membership().isVoter());
        assertThat(c.node(stopped).membership().current().voters()).extracting(RaftSettings.Peer::id)
            .containsExactly(1, 2, 3, 4);

        GroupMembers withFour = one.membership().current();
        one.membership().change(withFour, three.voters(), List.of());
        await("node 4 sees itself removed").atMost(Duration.ofSeconds(20)).until(() -> four.membership().removed());
        assertThat(one.membership().removed()).isFalse();
        submit(one, "https://example.com/three-again");
      }
    }
  }

  /**
   * A voter removed while it was down never receives the configuration that leaves it out: it comes
   * back holding one that names it, hears from no leader, and asks for votes; the leader answers that
   * it was removed, and Ratis closes its division. It must count itself removed then (its node exits),
   * not stay up forever as a member of a group that no longer has it.
   */
  @Test
  void aVoterRemovedWhileItWasDownSeesItselfRemovedWhenItComesBack() throws Exception {
    try (RaftCluster c = new RaftCluster(dir, 4, 100_000).startAll()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> c.leader().isPresent());
      int down = c.leader().orElseThrow().selfId() == 4 ? 3 : 4;
      c.stop(down);
      // under load the leader can lose its term around the stop (it did, with a load average of 25)
      RaftNode leader = await().atMost(Duration.ofSeconds(20)).until(c::leader, java.util.Optional::isPresent)
          .orElseThrow();
      GroupMembers four = leader.membership().current();
      List<RaftSettings.Peer> others = four.voters().stream().filter(p -> p.id() != down).toList();
      leader.membership().change(four, others, List.of());
      submit(leader, "https://example.com/without-" + down);

      RaftNode back = c.start(down);
      assertThat(back.membership().current().isVoter(down)).as("its own configuration still names it").isTrue();
      await("node " + down + " sees itself removed").atMost(Duration.ofSeconds(30))
          .until(() -> back.membership().removed());
      assertThat(c.leader().orElseThrow().membership().removed()).isFalse();
    }
  }
}
