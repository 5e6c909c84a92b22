package io.mvmci.worker;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import io.mvmci.testing.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A job that needs labels no worker has waits with that reason; a worker process started with the
 * labels (here from MVMCI_WORKER_LABELS, with a ticket) takes it and completes it. One real node whose
 * embedded worker has other labels.
 */
class LabelledWorkerProcessTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String SECRET = RemoteWorkerTest.SECRET;

  @Test
  void aJobWaitsForAWorkerWithItsLabelsThenRunsThere() throws Exception {
    Path dir = dirs.create("mvmci-labelled");
    try (CountingServer web = new CountingServer();
        TestNode node = TestNode.cluster(dir, 1, "\n[workers]\nembedded = 1\nlabels = [\"linux\"]\n").get(0).start()) {
      Reply r = post(node.url("/api/v1/jobs"), "application/json", "{\"url\":\"" + web.url("/gpu/1")
          + "\",\"labels\":[\"gpu\",\"arm64\"]}");
      assertThat(r.status()).isEqualTo(201);
      String id = r.json().get("job_id").asString();
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> {
        JsonNode j = get(node.url("/api/v1/jobs/" + id)).json();
        return j.get("status").asString().equals("Pending")
            && j.get("reason").asString().equals("no live worker has labels gpu, arm64");
      });
      Reply ticket = post(node.url("/api/v1/tickets"), "application/json", "{\"label\":\"gpu box\"}".getBytes(),
          "Authorization", "Bearer " + SECRET);
      try (WorkerProcess w = WorkerProcess.start(dir.resolve("gpu-worker"),
          Map.of("MVMCI_WORKER_LABELS", "arm64,gpu,linux"), "--ticket", ticket.json().get("ticket").asString(),
          "--heartbeat-ms", "300")) {
        await().atMost(Duration.ofSeconds(60)).until(() ->
            get(node.url("/api/v1/jobs/" + id)).json().get("status").asString().equals("Completed"));
        JsonNode done = get(node.url("/api/v1/jobs/" + id)).json();
        assertThat(done.get("worker_id").asString()).startsWith(ticket.json().get("id").asString() + ":");
        assertThat(web.hits("/gpu/1")).isEqualTo(1);
      }
    }
  }
}
