package io.mvmci.cluster;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.NodeProcess;
import io.mvmci.testing.ProcessCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import tools.jackson.databind.JsonNode;

/**
 * Three real node processes on loopback: linearizable reads across nodes, SIGKILL of the leader
 * under load with no acknowledged job lost, the killed node's return, and a member restarted with the
 * wrong {@code secret_raft} (the Raft mTLS handshake fails both ways, so it never joins). The tests
 * run in order on one cluster, each from the state the previous one left: three JVMs start once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ClusterProcessTest.DumpLogsOnFailure.class)
class ClusterProcessTest {
  static final String FORM = "application/x-www-form-urlencoded";
  static final String WRONG_SECRET = "not-the-cluster-raft-secret-987654321";
  /** From SIGKILL to the first write a survivor accepts. Measured 0.6-1.5 s; generous for load. */
  static final Duration FAILOVER_BOUND = Duration.ofSeconds(20);
  /** A restarted follower waits for the leader's 5 s retry backoff, then catches up. */
  static final Duration CATCH_UP_BOUND = Duration.ofSeconds(90);

  static ProcessCluster cluster;
  static NodeProcess killed;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ProcessCluster.start("cluster");
    cluster.awaitLeader(cluster.nodes, ProcessCluster.START_DEADLINE);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aJobSubmittedToAnyNodeIsInTheVeryNextListOfEveryOtherNode() {
    for (int i = 0; i < 6; i++) {
      NodeProcess via = cluster.node(i % 3 + 1);
      String url = "https://example.com/linearizable/" + i;
      Reply r = post(via.url("/new-job"), FORM, "url=" + url);
      assertThat(r.status()).as("submit on node %d: %s", via.id, r.body()).isEqualTo(201);
      String id = r.json().get("job_id").asString();
      for (NodeProcess other : cluster.others(via)) {
        assertThat(ProcessCluster.list(other))
            .as("the very next /queue/list of node %d after %s was acknowledged by node %d", other.id, id, via.id)
            .containsEntry(id, url);
      }
    }
  }

  @Test
  @Order(2)
  void killingTheLeaderLosesNoAcknowledgedJobAndASurvivorTakesWritesWithinTheBound() throws Exception {
    NodeProcess leader = cluster.awaitLeader(cluster.nodes, Duration.ofSeconds(60));
    List<NodeProcess> survivors = cluster.others(leader);
    List<Submitter.Ack> acks;
    long failoverMs;
    try (Submitter load = new Submitter(cluster.nodes, 2)) {
      await("writes flowing before the kill").atMost(Duration.ofSeconds(60))
          .until(() -> load.acks().size() >= 20);

      long killedAt = System.nanoTime();
      int exit = leader.kill();
      killed = leader;
      assertThat(exit).as("exit status of a process killed by SIGKILL (128 + 9)").isEqualTo(137);

      NodeProcess probe = survivors.get(0);
      await("a survivor accepts a write").atMost(FAILOVER_BOUND).pollInterval(Duration.ofMillis(20))
          .ignoreExceptions()
          .until(() -> post(probe.url("/new-job"), FORM, "url=https://example.com/probe").status() == 201);
      failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
      NodeProcess next = cluster.awaitLeader(survivors, FAILOVER_BOUND);
      assertThat(next).isNotSameAs(leader);
      System.out.printf("failover: leader node %d killed (SIGKILL); node %d leads; node %d took a write "
          + "after %d ms%n", leader.id, next.id, probe.id, failoverMs);

      long recovered = System.nanoTime();
      await("the background load goes on after the failover").atMost(Duration.ofSeconds(60))
          .until(() -> load.acksAfter(recovered) >= 20);
      load.close();
      acks = load.acks();
      System.out.printf("background load: %d acknowledged, other outcomes %s%n", acks.size(), load.failures());
    }
    assertThat(failoverMs).isLessThan(FAILOVER_BOUND.toMillis());
    for (NodeProcess n : survivors) {
      Map<String, String> jobs = ProcessCluster.list(n);
      for (Submitter.Ack a : acks) {
        assertThat(jobs).as("node %d holds acknowledged %s (acked by node %d)", n.id, a.jobId(), a.node())
            .containsEntry(a.jobId(), a.url());
      }
      assertAppliedExactlyOnce(n, jobs);
    }
  }

  @Test
  @Order(3)
  void theKilledNodeComesBackAndCatchesUp() {
    assertThat(killed).as("the previous test killed a node").isNotNull();
    NodeProcess survivor = cluster.others(killed).get(0);
    // A write while it is down, so that it has something to learn besides the load.
    assertThat(post(survivor.url("/new-job"), FORM, "url=https://example.com/while-down").status()).isEqualTo(201);
    Map<String, String> expected = ProcessCluster.list(survivor);

    long t0 = System.nanoTime();
    killed.start();
    cluster.awaitUp(killed);
    await("node " + killed.id + " holds what the others hold").atMost(CATCH_UP_BOUND)
        .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> ProcessCluster.list(killed, "/queue/list?consistency=local").equals(expected));
    System.out.printf("restart: node %d answered and caught up %d jobs %d ms after its start%n",
        killed.id, expected.size(), (System.nanoTime() - t0) / 1_000_000);

    await("every node applied the same log").atMost(CATCH_UP_BOUND).ignoreExceptions()
        .until(() -> cluster.nodes.stream().map(n -> n.cluster().get("applied_index").asLong())
            .distinct().count() == 1);
    for (NodeProcess n : cluster.nodes) {
      Map<String, String> jobs = ProcessCluster.list(n);
      assertThat(jobs).as("node %d's linearizable list", n.id).isEqualTo(expected);
      assertAppliedExactlyOnce(n, jobs);
    }
  }

  @Test
  @Order(4)
  void aNodeWithTheWrongRaftSecretCannotJoinAndTheOthersKeepWorking() throws Exception {
    NodeProcess leader = cluster.awaitLeader(cluster.nodes, Duration.ofSeconds(60));
    NodeProcess odd = cluster.others(leader).get(1);
    List<NodeProcess> right = cluster.others(odd);
    // The same member (id, ports, node list), a fresh data directory, another secret_raft.
    odd.kill();
    cluster.writeConfig(odd.id, WRONG_SECRET, "data" + odd.id + "-wrong-secret");
    odd.start();
    cluster.awaitUp(odd);

    // Its write is refused with a problem, not accepted into a history of its own. The refusal comes
    // when the node's write timeout (10 s) runs out, so the write is sent now and its answer checked
    // below: the checks between run while it waits, its write still pending on the odd node.
    java.util.concurrent.CompletableFuture<Reply> oddWrite = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> post(odd.url("/new-job"), FORM, "url=https://example.com/odd"));

    // The right members take writes on either of them meanwhile.
    List<String> ids = new ArrayList<>();
    for (NodeProcess n : right) {
      Reply r = post(n.url("/new-job"), FORM, "url=https://example.com/right/" + n.id);
      assertThat(r.status()).as("node %d: %s", n.id, r.body()).isEqualTo(201);
      ids.add(r.json().get("job_id").asString());
    }
    for (NodeProcess n : right) {
      assertThat(ProcessCluster.list(n)).containsKeys(ids.toArray(String[]::new));
    }

    // Its own copy never shows what the others committed, and it never learns of their leader.
    await("node " + odd.id + " stays outside").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> {
          JsonNode view = odd.cluster();
          return ProcessCluster.list(odd, "/queue/list?consistency=local").isEmpty()
              && view.get("leader_id").isNull() && view.get("applied_index").asLong() <= 0;
        });
    Reply refused = oddWrite.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(refused.status()).as(refused.body()).isEqualTo(503);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.json().get("type").asString()).isEqualTo("urn:mvmci:problem:unavailable");
    assertThat(ProcessCluster.list(odd, "/queue/list?consistency=local")).as("node %d's copy after its refused write",
        odd.id).isEmpty();
    assertThat(get(odd.url("/queue/list")).status())
        .as("a linearizable read on a node that reaches no leader").isEqualTo(503);
    Reply after = post(right.get(0).url("/new-job"), FORM, "url=https://example.com/right/after");
    assertThat(after.status()).isEqualTo(201);
    assertThat(ProcessCluster.list(right.get(1))).containsKey(after.json().get("job_id").asString());
  }

  /**
   * Every log entry applied once: ids are job-0 ... job-(n-1) without a gap or a repeat, no url (each
   * submission's own) appears under two ids, and the counters agree with the rows.
   */
  static void assertAppliedExactlyOnce(NodeProcess n, Map<String, String> jobs) {
    List<String> ids = new ArrayList<>(jobs.keySet());
    for (int i = 0; i < ids.size(); i++) {
      assertThat(ids.get(i)).as("node %d: position %d of /queue/list", n.id, i).isEqualTo("job-" + i);
    }
    Map<String, String> byUrl = new HashMap<>();
    jobs.forEach((id, url) -> {
      if (!url.endsWith("/probe")) {
        String before = byUrl.put(url, id);
        assertThat(before).as("node %d: %s submitted once but listed as %s and %s", n.id, url, before, id)
            .isNull();
      }
    });
    JsonNode stats = get(n.url("/queue/stats")).json();
    assertThat(stats.get("total").asLong()).as("node %d: /queue/stats total", n.id).isEqualTo(jobs.size());
  }

  /** Prints the tail of each node's log when a test fails: the only view into another process. */
  static class DumpLogsOnFailure implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (cluster != null) {
        System.out.println("---- " + context.getDisplayName() + " failed; node logs:\n" + cluster.logs());
      }
    }
  }
}
