package io.mvmci.cluster;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.NodeProcess;
import io.mvmci.testing.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs that wait, on three node processes with two embedded slots each: a parent fans out to 100
 * children and awaits them, and the node running the parent is killed (SIGKILL) in the middle and never
 * comes back; then the whole cluster is killed while runs wait for a timer and for a signal, and
 * restarted: the waits are kept. The workflow is {@code workflows/testing/waits} (ABI v3).
 */
class WaitingRunsProcessTest {
  static final String JSON = "application/json";
  static final String JOBS = "\n[jobs]\nlease_ms = 2000\nheartbeat_ms = 500\nreaper_interval_ms = 200\n";

  @Test
  void aFanOutSurvivesItsParentsNodeAndWaitsSurviveAWholeClusterRestart() throws Exception {
    try (ProcessCluster cluster = ProcessCluster.start("waits", 2, JOBS)) {
      try {
        run(cluster);
      } catch (AssertionError | RuntimeException e) {
        System.out.println("---- node logs:\n" + cluster.logs());
        throw e;
      }
    }
  }

  private static void run(ProcessCluster cluster) throws Exception {
    cluster.awaitLeader(cluster.nodes, ProcessCluster.START_DEADLINE);
    Reply deployed = post(cluster.node(1).url("/api/v1/modules/waits"), "application/wasm",
        Files.readAllBytes(Path.of("workflows/testing/waits/waits.wasm")), "Authorization", "Bearer " + ClusterConfig.SECRET_API);
    assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);

    // a parent spawns 100 children (each sleeps 1 s: a timer) and awaits each; its node dies mid-way
    String parent = submit(cluster.node(2), "{\"fan\":100}");
    JsonNode seen = await("the parent has spawned 40 children").atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(50)).ignoreExceptions()
        .until(() -> job(cluster.node(2), parent), j -> j.path("children").size() >= 40 && j.get("worker_id") != null
            && j.get("status").asString().equals("InProgress"));
    NodeProcess victim = cluster.node(Integer.parseInt(seen.get("worker_id").asString().substring("node-".length())));
    assertThat(victim.kill()).isEqualTo(137);
    List<NodeProcess> survivors = cluster.others(victim);
    JsonNode done = await(parent + " completes").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
        .ignoreExceptions().until(() -> job(survivors.get(0), parent), j -> j.get("status").asString().equals("Completed"));
    assertThat(done.get("output").toString()).isEqualTo("{\"completed\":100}");
    JsonNode children = get(survivors.get(0).url("/api/v1/jobs/" + parent + "/children")).json().get("children");
    assertThat(children).as("each child spawned once, across the parent's resumption").hasSize(100);
    Set<String> ids = new HashSet<>();
    for (JsonNode c : children) {
      assertThat(c.get("status").asString()).isEqualTo("Completed");
      assertThat(c.get("parent_id").asString()).isEqualTo(parent);
      ids.add(c.get("job_id").asString());
    }
    assertThat(ids).hasSize(100);

    // the whole cluster dies while one run waits for a timer and another for a signal
    victim.start();
    cluster.awaitUp(victim);
    NodeProcess via = survivors.get(0);
    String sleeper = submit(via, "{\"sleep\":15000}");
    String gate = submit(via, "{\"gate\":\"\"}");
    awaitStatus(via, sleeper, "Waiting");
    awaitStatus(via, gate, "Waiting");
    long t0 = System.currentTimeMillis();
    for (NodeProcess n : cluster.nodes) {
      n.kill();
    }
    cluster.nodes.forEach(NodeProcess::start);
    cluster.nodes.forEach(cluster::awaitUp);
    cluster.awaitLeader(cluster.nodes, ProcessCluster.START_DEADLINE);
    assertThat(job(via, gate).get("status").asString()).isEqualTo("Waiting");
    Reply signal = post(via.url("/api/v1/jobs/" + gate + "/signals/approve"), JSON, "{\"by\":\"restart\"}".getBytes(
        java.nio.charset.StandardCharsets.UTF_8));
    assertThat(signal.status()).as(signal.body()).isEqualTo(201);
    JsonNode approved = awaitStatus(via, gate, "Completed");
    assertThat(approved.get("output").toString()).isEqualTo("{\"by\":\"restart\"}");
    JsonNode slept = awaitStatus(via, sleeper, "Completed");
    assertThat(System.currentTimeMillis() - t0).as("the timer kept its time across the restart").isLessThan(120_000);
    assertThat(slept.get("attempt").asInt()).as("claimed, suspended, woken and claimed again").isGreaterThanOrEqualTo(2);
  }

  static String submit(NodeProcess via, String input) {
    Reply r = post(via.url("/api/v1/jobs"), JSON, "{\"workflow\":\"waits\",\"input\":" + input + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("job_id").asString();
  }

  static JsonNode job(NodeProcess n, String id) {
    return get(n.url("/api/v1/jobs/" + id)).json();
  }

  static JsonNode awaitStatus(NodeProcess n, String id, String status) {
    return await(id + " " + status).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions().until(() -> job(n, id), j -> j.get("status").asString().equals(status));
  }
}
