package io.mvmci.cluster;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.NodeProcess;
import io.mvmci.testing.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Three node processes, each with one embedded worker. The node that runs a job is killed with
 * SIGKILL in the middle of it and never comes back: after the lease another node claims the job,
 * replays its history and finishes it, and no request whose response the run had seen is sent again.
 * Then the whole cluster is killed in the middle of a job and restarted: the job resumes.
 */
class NodeDeathResumeProcessTest {
  static final String JOBS = "\n[jobs]\nlease_ms = 1500\nheartbeat_ms = 300\nreaper_interval_ms = 200\n";

  @Test
  void aRunWhoseNodeDiedForGoodFinishesElsewhereAndAWholeClusterRestartResumesOne() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("workflows/testing/sequence/sequence.wasm")),
        "needs workflows/testing/sequence/sequence.wasm, which comes with the guest SDK work (i12-sdk)");
    try (ProcessCluster cluster = ProcessCluster.start("node-death", 1, JOBS); CountingServer web = new CountingServer()) {
      try {
        run(cluster, web);
      } catch (AssertionError | RuntimeException e) {
        System.out.println("---- node logs:\n" + cluster.logs());
        throw e;
      }
    }
  }

  private static void run(ProcessCluster cluster, CountingServer web) throws Exception {
    cluster.awaitLeader(cluster.nodes, ProcessCluster.START_DEADLINE);
    byte[] wasm = Files.readAllBytes(Path.of("workflows/testing/sequence/sequence.wasm"));
    Reply deployed = post(cluster.node(1).url("/api/v1/modules/sequence"), "application/wasm", wasm,
        "Authorization", "Bearer " + ClusterConfig.SECRET_API);
    assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);

    // a node dies for good in the middle of a run
    List<String> first = paths("/gone/", 8);
    String id = submit(cluster.node(2), web, first);
    JsonNode running = awaitSteps(cluster.nodes, id, 4 + ThreadLocalRandom.current().nextInt(16));
    NodeProcess victim = cluster.node(Integer.parseInt(running.get("worker_id").asString().substring("node-".length())));
    assertThat(victim.kill()).isEqualTo(137);
    List<NodeProcess> survivors = cluster.others(victim);
    JsonNode done = awaitCompleted(survivors, id, Duration.ofSeconds(90));
    assertThat(done.get("worker_id").asString()).as("finished elsewhere").isNotEqualTo("node-" + victim.id);
    assertThat(done.get("attempt").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(done.get("execution").asInt()).as("the same execution, resumed").isEqualTo(1);
    assertOnce(web, first);

    // the whole cluster dies in the middle of a run, and comes back
    victim.start();
    cluster.awaitUp(victim);
    List<String> second = paths("/restart/", 8);
    String id2 = submit(survivors.get(0), web, second);
    // watched through a node that was not just restarted: a restarted follower's first reads may wait
    // for it to catch up
    awaitSteps(survivors, id2, 4 + ThreadLocalRandom.current().nextInt(16));
    for (NodeProcess n : cluster.nodes) {
      n.kill();
    }
    cluster.nodes.forEach(NodeProcess::start);
    cluster.nodes.forEach(cluster::awaitUp);
    awaitCompleted(cluster.nodes, id2, Duration.ofSeconds(120));
    assertOnce(web, second);
  }

  static List<String> paths(String prefix, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  static String submit(NodeProcess via, CountingServer web, List<String> paths) {
    String body = "{\"workflow\":\"sequence\",\"max_attempts\":10,\"input\":{\"sleep_ms\":300,\"urls\":["
        + paths.stream().map(p -> "\"" + web.url(p) + "\"").collect(Collectors.joining(",")) + "]}}";
    Reply r = post(via.url("/api/v1/jobs"), "application/json", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("job_id").asString();
  }

  /**
   * The job once it runs and its history holds at least {@code steps} steps, as any node sees it (a
   * node that has just restarted may still be catching up with the log).
   */
  static JsonNode awaitSteps(List<NodeProcess> nodes, String id, int steps) {
    return await(id + " has " + steps + " steps").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
        .until(() -> {
          JsonNode seen = null;
          for (NodeProcess n : nodes) {
            try {
              seen = get(n.url("/api/v1/jobs/" + id)).json();
            } catch (RuntimeException unreachable) {
              continue;
            }
            if (seen.get("status").asString().equals("InProgress") && seen.get("history_steps").asInt() >= steps) {
              return seen;
            }
          }
          return seen;
        }, j -> j != null && j.get("status").asString().equals("InProgress") && j.get("history_steps").asInt() >= steps);
  }

  static JsonNode awaitCompleted(List<NodeProcess> nodes, String id, Duration deadline) {
    return await(id + " completes").atMost(deadline).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> get(nodes.get(0).url("/api/v1/jobs/" + id)).json(),
            j -> j.get("status").asString().equals("Completed"));
  }

  /** Every page requested once, but for at most one that was in flight when its node died. */
  static void assertOnce(CountingServer web, List<String> paths) {
    int extra = 0;
    for (String p : paths) {
      assertThat(web.hits(p)).as(p).isBetween(1, 2);
      extra += web.hits(p) - 1;
    }
    assertThat(extra).as("requests sent again: only one can have been in flight").isLessThanOrEqualTo(1);
  }
}
