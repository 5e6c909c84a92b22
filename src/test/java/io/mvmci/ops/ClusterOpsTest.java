package io.mvmci.ops;

import static io.mvmci.testing.Http.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.replication.RaftNode;
import io.mvmci.testing.Http;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import io.mvmci.worker.WorkerAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Three real nodes in this JVM with slow elections (3-4.5 s), so that a leadership handover (about a
 * round trip) and a failover (an election timeout first) are far apart even on a loaded machine.
 * The tests run in order on one cluster: all ready; the leader stops and hands over; a crashed
 * Raft server makes its node not live; the last follower, alone, is not ready.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterOpsTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final long ELECTION_MIN_MS = 3_000;
  static Path dir;
  static List<TestNode> nodes;

  @BeforeAll
  static void start() throws Exception {
    dir = dirs.create("mvmci-cluster-ops");
    nodes = TestNode.cluster(dir, 3, "\n[workers]\nembedded = 1\n");
    for (TestNode n : nodes) {
      n.set("election_timeout_min_ms", ELECTION_MIN_MS).set("election_timeout_max_ms", 4_500).set("lease_ms", 10_000);
    }
    TestNode.startAll(nodes);
  }

  @AfterAll
  static void stop() {
    for (TestNode n : nodes) {
      try {
        n.close();
      } catch (RuntimeException e) {
        // a node whose Raft server the test closed by hand
      }
    }
  }

  static int readiness(TestNode n) {
    return get(n.url("/actuator/health/readiness")).status();
  }

  static JsonNode raft(TestNode n) {
    return get(n.url("/actuator/health")).json().get("components").get("raft");
  }

  static Optional<TestNode> leader() {
    return nodes.stream().filter(TestNode::running).filter(n -> n.bean(RaftNode.class).isLeader()).findFirst();
  }

  @Test
  @Order(1)
  void everyNodeIsReadyOnceALeaderIsElected() {
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
        .until(() -> nodes.stream().allMatch(n -> readiness(n) == 200));
    for (TestNode n : nodes) {
      JsonNode r = raft(n);
      assertThat(r.get("status").asString()).isEqualTo("UP");
      assertThat(r.get("details").get("leader_id").asString()).isNotEqualTo("none");
      assertThat(get(n.url("/actuator/health/liveness")).status()).isEqualTo(200);
    }
    assertThat(nodes.stream().filter(n -> raft(n).get("details").get("role").asString().equals("LEADER")))
        .hasSize(1);
  }

  /**
   * {@code POST /jobs?wait_ms=} on a follower: the submission goes through the leader, the wait reads
   * only the follower's own copy, and the answer is the finished job.
   */
  @Test
  @Order(2)
  void aSubmissionThatWaitsOnAFollowerAnswersWithTheFinishedJob() {
    List<TestNode> followers = nodes.stream().filter(n -> !n.bean(RaftNode.class).isLeader()).toList();
    assertThat(followers).hasSize(2);
    TestNode leader = leader().orElseThrow();
    WorkerAgent leaderWorker = leader.bean(WorkerAgent.class);
    await().atMost(Duration.ofSeconds(60)).until(() -> get(leader.url("/api/v1/modules")).body().contains("\"noop\""));
    for (TestNode f : followers) {
      await().atMost(Duration.ofSeconds(30)).until(() -> leaderWorker.running() == 0);
      long eager = leaderWorker.eagerStarts();
      Reply r = Http.post(f.url("/api/v1/jobs?wait_ms=30000"), "application/json",
          "{\"workflow\":\"noop\",\"max_attempts\":1}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      assertThat(r.json().get("status").asString()).as(r.body()).isEqualTo("Completed");
      assertThat(r.json().get("worker_id").asString()).as("the leader's worker claimed it in the submission's entry")
          .isEqualTo("node-" + leader.id);
      assertThat(leaderWorker.eagerStarts() - eager).as("started eagerly on the leader").isEqualTo(1);
    }
  }

  @Test
  @Order(3)
  void aStoppingLeaderHandsOverFasterThanAnElectionTimeout() throws Exception {
    TestNode old = await().atMost(Duration.ofSeconds(60)).until(ClusterOpsTest::leader, Optional::isPresent).get();
    List<TestNode> survivors = nodes.stream().filter(n -> n != old).toList();
    long term = old.bean(RaftNode.class).currentTerm();
    AtomicLong seenAt = new AtomicLong();
    AtomicReference<Integer> newLeader = new AtomicReference<>();
    Thread watcher = new Thread(() -> {
      while (seenAt.get() == 0 && !Thread.currentThread().isInterrupted()) {
        for (TestNode s : survivors) {
          RaftNode r = s.bean(RaftNode.class);
          Optional<Integer> l = r.leaderId();
          if (r.currentTerm() > term && l.isPresent() && l.get() != old.id) {
            newLeader.set(l.get());
            seenAt.set(System.nanoTime());
          }
        }
        Thread.onSpinWait();
      }
    });
    watcher.setDaemon(true);
    watcher.start();
    long closing = System.nanoTime();
    old.stop();
    long closed = System.nanoTime();
    await().atMost(Duration.ofSeconds(30)).until(() -> seenAt.get() != 0);
    watcher.interrupt();
    long toNewLeaderMs = (seenAt.get() - closing) / 1_000_000;
    long closeMs = (closed - closing) / 1_000_000;
    System.out.printf("handover: new leader node %d seen %d ms after the old leader began to stop"
        + " (its stop took %d ms); election timeout min %d ms%n", newLeader.get(), toNewLeaderMs, closeMs,
        ELECTION_MIN_MS);
    assertThat(seenAt.get()).as("the new leader was elected while the old one was still stopping")
        .isLessThan(closed);
    assertThat(toNewLeaderMs).as("faster than an election timeout").isLessThan(ELECTION_MIN_MS);
    await().atMost(Duration.ofSeconds(30)).until(() -> survivors.stream().allMatch(n -> readiness(n) == 200));
  }

  @Test
  @Order(4)
  void aNodeWhoseRaftServerClosedIsNeitherLiveNorReady() throws Exception {
    TestNode victim = await().atMost(Duration.ofSeconds(60)).until(ClusterOpsTest::leader, Optional::isPresent)
        .get();
    victim.bean(RaftNode.class).close();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(get(victim.url("/actuator/health/liveness")).status()).isEqualTo(503);
      assertThat(readiness(victim)).isEqualTo(503);
    });
    JsonNode r = raft(victim);
    assertThat(r.get("status").asString()).isEqualTo("DOWN");
    assertThat(r.get("details").get("reason").asString()).contains("CLOSED").contains("restart");
    Reply metrics = get(victim.url("/actuator/prometheus"));
    assertThat(metrics.body()).contains("mvmci_raft_running 0.0");
  }

  @Test
  @Order(5)
  void aFollowerWhoseMajorityIsGoneIsLiveButNotReady() {
    TestNode last = nodes.stream().filter(TestNode::running)
        .filter(n -> n.bean(RaftNode.class).lifeCycle().name().equals("RUNNING")).findFirst().orElseThrow();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> readiness(last) == 503);
    JsonNode r = raft(last);
    assertThat(r.get("status").asString()).isEqualTo("OUT_OF_SERVICE");
    assertThat(r.get("details").get("reason").asString()).contains("no leader");
    assertThat(get(last.url("/actuator/health/liveness")).status()).as("live: restarting it would not help")
        .isEqualTo(200);
  }
}
