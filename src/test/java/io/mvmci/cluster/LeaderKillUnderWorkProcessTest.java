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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Three node processes, each running embedded workers, under a steady load of crawler jobs whose
 * pages are served by a local server that counts every request. The leader is killed with SIGKILL
 * while it runs jobs and never comes back: every acknowledged job still completes, once, and no
 * page is fetched twice except those the dead node was in the middle of (at most one per worker
 * slot it had), which the new leader's reaper hands to another worker when their leases run out.
 */
class LeaderKillUnderWorkProcessTest {
  static final String FORM = "application/x-www-form-urlencoded";
  /** Embedded workers per node. */
  static final int SLOTS = 2;
  /**
   * A 2 s lease rather than the default 3 s (4 heartbeats to a lease rather than 3): the dead node's
   * jobs wait out their leases, and the new leader waits a lease before it reaps.
   */
  static final String LEASE = "\n[jobs]\nlease_ms = 2000\nheartbeat_ms = 500\nreaper_interval_ms = 200\n";

  @Test
  void killingTheLeaderUnderLoadCompletesEveryJobOnceWithoutDoublingItsEffects() throws Exception {
    try (ProcessCluster cluster = ProcessCluster.start("leader-kill-work", SLOTS, LEASE);
        CountingServer web = new CountingServer()) {
      try {
        run(cluster, web);
      } catch (AssertionError | RuntimeException e) {
        System.out.println("---- node logs:\n" + cluster.logs());
        throw e;
      }
    }
  }

  private static void run(ProcessCluster cluster, CountingServer web) throws Exception {
    NodeProcess leader = cluster.awaitLeader(cluster.nodes, ProcessCluster.START_DEADLINE);
    List<NodeProcess> survivors = cluster.others(leader);
    String leaderWorker = "node-" + leader.id;
    List<Submitter.Ack> acks;
    try (Submitter load = new Submitter(cluster.nodes, 2, (t, n) -> web.url("/page/" + t + "/" + n), 20)) {
      await("the leader's own workers are running jobs").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> workedBy(survivors.get(0)).getOrDefault(leaderWorker, 0) >= 5);

      assertThat(leader.kill()).as("exit status after SIGKILL").isEqualTo(137);
      java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();
      long killedAt = System.nanoTime();
      await("a survivor accepts a write").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(() -> post(survivors.get(0).url("/new-job"), FORM, "url=" + web.url("/probe/" + probes.incrementAndGet())).status() == 201);
      long recoveredAt = System.nanoTime();
      await("the load goes on after the failover").atMost(Duration.ofSeconds(60))
          .until(() -> load.acksAfter(recoveredAt) >= 40);
      load.close();
      acks = load.acks();
      System.out.printf("leader node %d killed; a survivor took a write after %d ms; %d jobs acknowledged, "
          + "other outcomes %s%n", leader.id, (recoveredAt - killedAt) / 1_000_000, acks.size(), load.failures());
    }

    NodeProcess reader = survivors.get(0);
    await("every job completes").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          JsonNode stats = get(reader.url("/queue/stats")).json();
          assertThat(stats.get("Completed").asLong()).as("%s", stats).isEqualTo(stats.get("total").asLong());
        });

    Map<String, JsonNode> jobs = new HashMap<>();
    for (JsonNode j : get(reader.url("/queue/list")).json()) {
      jobs.put(j.get("job_id").asString(), j);
    }
    for (Submitter.Ack a : acks) {
      assertThat(jobs).as("acknowledged %s (by node %d)", a.jobId(), a.node()).containsKey(a.jobId());
      assertThat(jobs.get(a.jobId()).get("url").asString()).isEqualTo(a.url());
    }

    // Side effects: every listed job's page fetched, nothing fetched for a job that is not listed,
    // and a page fetched twice only for a job the dead node held when it died.
    Map<String, JsonNode> byPath = new HashMap<>();
    jobs.values().forEach(j -> byPath.put(java.net.URI.create(j.get("url").asString()).getPath(), j));
    List<String> doubled = new ArrayList<>();
    web.allHits().forEach((path, hits) -> {
      assertThat(byPath).as("a page fetched for a job that is not in the queue").containsKey(path);
      if (hits > 1) {
        doubled.add(path);
      }
    });
    for (Map.Entry<String, JsonNode> e : byPath.entrySet()) {
      int hits = web.hits(e.getKey());
      JsonNode job = e.getValue();
      assertThat(hits).as("fetches of %s (%s)", e.getKey(), job).isBetween(1, 2);
      if (hits == 2) {
        assertThat(job.get("attempt").asInt()).as("a doubled fetch belongs to a re-run job: %s", job)
            .isGreaterThan(1);
      }
    }
    assertThat(doubled).as("pages fetched twice: the dead node's in-flight jobs at most").hasSizeLessThanOrEqualTo(SLOTS);

    // The jobs the dead node held went back to the queue by lease expiry and completed exactly once.
    List<JsonNode> rerun = jobs.values().stream().filter(j -> j.get("attempt").asInt() > 1).toList();
    System.out.printf("%d jobs, %d re-run after the kill, pages fetched twice: %s%n", jobs.size(), rerun.size(), doubled);
    for (JsonNode j : rerun) {
      assertThat(j.get("worker_id").asString()).as("%s", j).isNotEqualTo(leaderWorker);
      JsonNode events = get(reader.url("/api/v1/jobs/" + j.get("job_id").asString() + "/events")).json().get("events");
      long completions = 0;
      boolean requeued = false;
      for (JsonNode ev : events) {
        completions += ev.get("status").asString().equals("Completed") ? 1 : 0;
        requeued |= ev.get("status").asString().equals("Pending") && ev.get("attempt").asInt() >= 1
            && ev.get("reason").asString().toLowerCase().contains("lease");
      }
      assertThat(completions).as("completions of %s: %s", j.get("job_id"), events).isEqualTo(1);
      assertThat(requeued).as("%s went back to the queue for an expired lease: %s", j.get("job_id"), events).isTrue();
    }
    // The reaper marked the dead node's worker dead; the survivors' are alive.
    await("node " + leader.id + "'s worker is marked dead").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
          Map<String, String> status = new HashMap<>();
          for (JsonNode w : get(reader.url("/api/v1/workers")).json().get("workers")) {
            status.put(w.get("worker_id").asString(), w.get("status").asString());
          }
          assertThat(status).containsEntry(leaderWorker, "dead");
          survivors.forEach(n -> assertThat(status).containsEntry("node-" + n.id, "alive"));
        });
    for (NodeProcess n : survivors) {
      assertThat(get(n.url("/queue/stats?consistency=local")).json().get("total").asLong())
          .as("node %d's copy", n.id).isEqualTo(jobs.size());
    }
  }

  /** Completed jobs per worker id, as node {@code n} lists them. */
  private static Map<String, Integer> workedBy(NodeProcess n) {
    Map<String, Integer> out = new HashMap<>();
    for (JsonNode j : get(n.url("/queue/list?consistency=local")).json()) {
      if (j.get("status").asString().equals("Completed")) {
        out.merge(j.get("worker_id").asString(), 1, Integer::sum);
      }
    }
    return out;
  }
}
