package io.mvmci.cluster;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.NodeProcess;
import io.mvmci.testing.ProcessCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A deploy lock: 50 crawler jobs in one concurrency group with limit 1, on three node processes with
 * two embedded workers each. Each job's page is served by a local server that holds every request
 * 100 ms and counts how many are in flight at once. The leader is killed (SIGKILL) while the jobs run
 * and never comes back. Every job completes, and no two of the group's runs ever overlap: the server
 * never sees two of their requests at once, and the group never has two jobs InProgress.
 */
class DeployLockProcessTest {
  static final int JOBS = 50;
  /**
   * A 2 s lease rather than the default 3 s (4 heartbeats to a lease rather than 3): the dead leader's
   * run in flight holds the group's one place until its lease runs out, and the new leader waits a lease
   * before it reaps.
   */
  static final String LEASE = "\n[jobs]\nlease_ms = 2000\nheartbeat_ms = 500\nreaper_interval_ms = 200\n";

  @Test
  void fiftyJobsOnOneKeyNeverOverlapAcrossALeaderKill() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    try (ProcessCluster cluster = ProcessCluster.start("deploy-lock", 2, LEASE);
        CountingServer web = new CountingServer().fallback((r, hit) -> {
          maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            inFlight.decrementAndGet();
          }
          return CountingServer.PAGE.answer(r, hit);
        })) {
      try {
        run(cluster, web, maxInFlight);
      } catch (AssertionError | RuntimeException e) {
        System.out.println("---- node logs:\n" + cluster.logs());
        throw e;
      }
    }
  }

  private static void run(ProcessCluster cluster, CountingServer web, AtomicInteger maxInFlight) throws Exception {
    NodeProcess leader = cluster.awaitLeader(cluster.nodes, ProcessCluster.START_DEADLINE);
    List<NodeProcess> survivors = cluster.others(leader);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      NodeProcess to = cluster.nodes.get(i % 3);
      var r = post(to.url("/api/v1/jobs"), "application/json", "{\"url\":\"" + web.url("/deploy/" + i)
          + "\",\"concurrency_key\":\"deploy-prod\"}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      ids.add(r.json().get("job_id").asString());
    }
    NodeProcess reader = survivors.get(0);
    AtomicInteger maxRunning = new AtomicInteger();
    await("some deploys done").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> completed(reader, maxRunning) >= 8);
    assertThat(leader.kill()).as("exit status after SIGKILL").isEqualTo(137);
    long killedAt = System.nanoTime();
    await("every deploy completes").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100))
        .ignoreExceptions().until(() -> completed(reader, maxRunning) == JOBS);
    System.out.printf("deploy lock: %d jobs completed, the last %d ms after the leader (node %d) was killed; "
        + "at most %d request(s) in flight, at most %d job(s) of the group InProgress in a read%n", JOBS,
        (System.nanoTime() - killedAt) / 1_000_000, leader.id, maxInFlight.get(), maxRunning.get());
    assertThat(maxInFlight.get()).as("deploys in flight at once, as the server saw them").isEqualTo(1);
    assertThat(maxRunning.get()).as("jobs of the group InProgress at once").isLessThanOrEqualTo(1);
    for (String id : ids) {
      JsonNode job = get(reader.url("/api/v1/jobs/" + id)).json();
      assertThat(job.get("status").asString()).isEqualTo("Completed");
      assertThat(job.get("concurrency_key").asString()).isEqualTo("deploy-prod");
    }
  }

  /** Completed jobs as {@code n} lists them; records the most InProgress at once. */
  private static int completed(NodeProcess n, AtomicInteger maxRunning) {
    int done = 0;
    int running = 0;
    for (JsonNode j : get(n.url("/queue/list?consistency=local")).json()) {
      String s = j.get("status").asString();
      done += s.equals("Completed") ? 1 : 0;
      running += s.equals("InProgress") ? 1 : 0;
    }
    maxRunning.accumulateAndGet(running, Math::max);
    return done;
  }
}
