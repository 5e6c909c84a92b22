package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.ratis.client.RaftClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower whose Raft client Ratis closed (as it does when a request runs out of retries and fails
 * the client's ordered window) still forwards writes: the closed client is replaced, on real nodes.
 */
class ForwardingClientTest {
  @TempDir Path dir;

  @Test
  void aFollowerWhoseClientRatisClosedStillForwardsWrites() throws Exception {
    try (RaftCluster c = new RaftCluster(dir, 3, 100_000).startAll()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> c.leader().isPresent());
      RaftNode follower = c.running().stream().filter(n -> !n.isLeader()).findFirst().orElseThrow();
      ForwardingClient forwarding = forwardingClient(follower);
      RaftClient closed = forwarding.current();
      closed.close();

      assertThat(ReplicatedQueueTest.submit(follower, "https://example.com/after-close").seq()).isZero();
      assertThat(forwarding.current()).as("a new client took over").isNotSameAs(closed);
      assertThat(ReplicatedQueueTest.submit(follower, "https://example.com/next").seq()).isEqualTo(1);
    }
  }

  @Test
  void onlyAClosedClientCountsAsClosed() {
    assertThat(ForwardingClient.closedBy(new java.util.concurrent.CompletionException(
        new org.apache.ratis.protocol.exceptions.AlreadyClosedException("closed")))).isTrue();
    assertThat(ForwardingClient.closedBy(new java.util.concurrent.CompletionException(
        new java.io.IOException("timed out")))).isFalse();
  }

  private static ForwardingClient forwardingClient(RaftNode node) throws ReflectiveOperationException {
    var field = RaftNode.class.getDeclaredField("client");
    field.setAccessible(true);
    return (ForwardingClient) field.get(node);
  }
}
