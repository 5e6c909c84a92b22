package io.mvmci.worker;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.CountingServer;
import io.mvmci.testing.CountingServer.Reply;
import io.mvmci.testing.Http;
import io.mvmci.testing.NodeProcess;
import io.mvmci.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The independent test run's finding 1, on a real node process with a 256 MiB heap
 * ({@code -XX:+ExitOnOutOfMemoryError}) and 8 configured slots: crawls of a 4 MiB page and runs that
 * grow their memory to the cap (32 MiB here) once killed every node with OutOfMemoryError. The node admits
 * only the runs its heap holds, says so, and stays up until every job has finished.
 */
class HeapAdmissionProcessTest {
  @TempDir Path dir;

  @Test
  void aSmallHeapAdmitsFewerRunsAndTheNodeSurvivesMemoryHungryJobs() throws Exception {
    TestNode spec = TestNode.cluster(dir, 1, "\n[workers]\nembedded = 8\nmemory_limit_mb = 32\n").get(0);
    byte[] page = new byte[4 * 1024 * 1024];
    Arrays.fill(page, (byte) 'a');
    try (CountingServer web = new CountingServer();
        NodeProcess node = NodeProcess.start(spec.config, dir.resolve("node.log"), Map.of())) {
      web.route("/big", (r, hit) -> Reply.html("<title>big</title>" + new String(page)));
      node.awaitReady(Duration.ofSeconds(120));
      // 256 MiB heap: half of it, 128 MiB, holds 1 run of 2 x 32 MiB + 3 x 2 MiB + 2 MiB = 72 MiB; 8 such
      // runs at once (576 MiB) were what killed the nodes
      assertThat(node.output()).contains("8 worker slots configured, 1 admitted: a run may hold 72 MiB");
      Http.Reply deployed = post(node.url("/api/v1/modules/bomb"), "application/wasm",
          Files.readAllBytes(Path.of("workflows/hostile/membomb.wasm")), "Authorization", "Bearer " + ClusterConfig.SECRET_API);
      assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);

      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ids.add(post(node.url("/api/v1/jobs"), "application/json", "{\"url\":\"" + web.url("/big?" + i)
            + "\",\"max_attempts\":1}").json().get("job_id").asString());
        ids.add(post(node.url("/api/v1/jobs"), "application/json", "{\"workflow\":\"bomb\",\"max_attempts\":1}")
            .json().get("job_id").asString());
      }
      await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> {
        assertThat(node.alive()).as("the node died; its log:\n%s", node.tail(40)).isTrue();
        return get(node.url("/queue/stats")).json().path("Pending").asInt() == 0
            && get(node.url("/queue/stats")).json().path("InProgress").asInt() == 0;
      });
      for (String id : ids) {
        JsonNode job = get(node.url("/api/v1/jobs/" + id)).json();
        if (job.get("workflow").asString().equals("bomb")) {
          assertThat(job.get("error").asString()).as(id).contains("memory.grow refused at 512 pages");
        } else {
          assertThat(job.get("status").asString()).as(id + ": " + job).isEqualTo("Completed");
        }
      }
      JsonNode workers = get(node.url("/api/v1/workers")).json().get("workers");
      assertThat(workers.get(0).get("capacity").asInt()).as("the capacity the node heartbeats").isEqualTo(1);
      assertThat(node.alive()).isTrue();
      assertThat(node.output()).doesNotContain("OutOfMemoryError");
    }
  }
}
