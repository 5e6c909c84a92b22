package io.mvmci.worker;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Three real nodes in this JVM, each with its embedded workers, sharing the work. */
class ClusterWorkTest {
  @TempDir Path dir;

  @Test
  void jobsSubmittedAcrossTheNodesCompleteExactlyOnceAndEveryNodeWorks() throws Exception {
    List<TestNode> nodes = TestNode.cluster(dir, 3, "\n[workers]\nembedded = 2\n");
    try (CountingServer web = new CountingServer()) {
      ExecutorService starter = Executors.newFixedThreadPool(3);
      List<Future<TestNode>> started = new ArrayList<>();
      nodes.forEach(n -> started.add(starter.submit(n::start)));
      for (Future<TestNode> f : started) {
        f.get();
      }
      starter.shutdown();

      int jobs = 90;
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        TestNode via = nodes.get(i % 3);
        Reply r = post(via.url("/new-job"), "application/x-www-form-urlencoded", "url=" + web.url("/page/" + i));
        assertThat(r.status()).isEqualTo(201);
        ids.add(r.json().get("job_id").asString());
      }
      assertThat(new HashSet<>(ids)).hasSize(jobs);

      TestNode reader = nodes.get(2);
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() ->
          get(reader.url("/queue/stats")).json().get("Completed").asInt() == jobs);

      Set<String> workers = new HashSet<>();
      for (JsonNode j : get(reader.url("/queue/list")).json()) {
        assertThat(j.get("status").asString()).isEqualTo("Completed");
        assertThat(j.get("attempt").asInt()).as(j.get("job_id").asString()).isEqualTo(1);
        workers.add(j.get("worker_id").asString());
      }
      for (int i = 0; i < jobs; i++) {
        assertThat(web.hits("/page/" + i)).as("requests for page %d", i).isEqualTo(1);
      }
      assertThat(workers).as("work spreads over all nodes").containsExactlyInAnyOrder("node-1", "node-2", "node-3");
      for (TestNode n : nodes) {
        assertThat(get(n.url("/queue/stats?consistency=local")).json().get("total").asInt())
            .as("node %d's own copy", n.id).isEqualTo(jobs);
      }

      // a module deployed on one node runs on every node
      byte[] hello = java.nio.file.Files.readAllBytes(Path.of("workflows/hostile/hello.wasm"));
      String secret = "test-api-secret-0123456789";
      assertThat(post(nodes.get(0).url("/api/v1/modules/hello"), "application/wasm", hello).status())
          .as("deploying needs secret_api").isEqualTo(401);
      assertThat(post(nodes.get(0).url("/api/v1/modules/bad"), "application/wasm", new byte[] {0, 'a', 's', 'm'},
          "Authorization", "Bearer " + secret).status()).isEqualTo(400);
      Reply deployed = post(nodes.get(0).url("/api/v1/modules/hello"), "application/wasm", hello,
          "Authorization", "Bearer " + secret);
      assertThat(deployed.status()).isEqualTo(201);
      await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream().allMatch(n ->
          get(n.url("/api/v1/modules")).body().contains(deployed.json().get("sha256").asString())));
      // One batch, so that many wait at once: jobs submitted one at a time while the cluster is idle
      // all go to the leader, which applies each submission first and claims without a hop.
      StringBuilder batch = new StringBuilder("{\"jobs\":[");
      for (int i = 0; i < 30; i++) {
        batch.append(i == 0 ? "" : ",").append("{\"workflow\":\"hello\",\"input\":{\"n\":").append(i).append("}}");
      }
      Reply submitted = post(nodes.get(1).url("/api/v1/jobs/batch"), "application/json", batch + "]}");
      assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
      List<String> greetings = new ArrayList<>();
      submitted.json().get("jobs").forEach(item -> greetings.add(item.get("job").get("job_id").asString()));
      assertThat(greetings).hasSize(30);
      await().atMost(Duration.ofSeconds(60)).until(() -> greetings.stream().allMatch(id ->
          get(reader.url("/api/v1/jobs/" + id)).json().get("status").asString().equals("Completed")));
      Set<String> helloWorkers = new HashSet<>();
      greetings.forEach(id -> helloWorkers.add(get(reader.url("/api/v1/jobs/" + id)).json().get("worker_id").asString()));
      assertThat(helloWorkers).as("nodes that ran the deployed module").hasSizeGreaterThan(1);
    } finally {
      nodes.forEach(TestNode::stop);
    }
  }
}
