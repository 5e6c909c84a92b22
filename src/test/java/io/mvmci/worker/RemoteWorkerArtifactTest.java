package io.mvmci.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.artifact.BlobStore;
import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.Http;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import io.mvmci.testing.WorkerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A remote worker process whose run stores an artifact (ABI v4, {@code workflows/hostile/artifacts.wasm})
 * uploads it over its worker endpoint to the one node it knows; the node streams it to the members, and
 * the artifact is then downloaded, whole and by Range, from the other nodes, also once the node that
 * took the upload is stopped. Three real nodes in this JVM, none with embedded workers.
 */
class RemoteWorkerArtifactTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final HttpClient CLIENT = HttpClient.newHttpClient();

  @Test
  void aRemoteRunsArtifactIsServedByTheOtherNodes() throws Exception {
    Path dir = dirs.create("mvmci-remote-artifact");
    List<TestNode> nodes = TestNode.startAll(TestNode.cluster(dir, 3, "\n[workers]\nembedded = 0\n"));
    try {
      TestNode taker = nodes.get(0);
      Http.Reply deployed = Http.post(taker.url("/api/v1/modules/artifacts"), "application/wasm",
          Files.readAllBytes(Path.of("workflows/hostile/artifacts.wasm")), "Authorization",
          "Bearer " + ClusterConfig.SECRET_API);
      assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
      Http.Reply submitted = Http.post(nodes.get(2).url("/api/v1/jobs"), "application/json",
          "{\"workflow\":\"artifacts\",\"labels\":[\"remote\"],\"input\":{\"text\":\"built by a remote worker\"}}");
      assertThat(submitted.status()).as(submitted.body()).isIn(201, 202);
      String id = submitted.json().get("job_id").asString();

      JsonNode done;
      try (WorkerProcess w = WorkerProcess.start(dir.resolve("remote-worker"), "--control-plane",
          taker.url(""), "--token", ClusterConfig.SECRET_API, "--labels", "remote", "--heartbeat-ms", "300")) {
        done = await().atMost(Duration.ofSeconds(90)).until(() -> Http.get(taker.url("/api/v1/jobs/" + id)).json(),
            j -> {
              assertThat(j.get("status").asString()).as(j.toString()).isNotIn("Failed", "Cancelled");
              return j.get("status").asString().equals("Completed");
            });
      }
      assertThat(done.get("worker_id").asString()).doesNotStartWith("node-");
      String output = done.get("output").isString() ? done.get("output").asString() : done.get("output").toString();
      assertThat(output).as("artifact_close answered 0 with the stored artifact").startsWith("0 ");
      JsonNode stored = Http.JSON.readTree(output.substring(2));
      assertThat(stored.get("holders").asString()).isEqualTo("nodes:1,2,3");
      String sha = stored.get("sha256").asString();

      String path = "/api/v1/jobs/" + id + "/artifacts/report.txt";
      byte[] whole = download(nodes.get(1), path, null, 200);
      assertThat(BlobStore.sha256Hex(whole)).isEqualTo(sha);
      assertThat(new String(whole)).contains("built by a remote worker");
      assertThat(download(nodes.get(2), path, "bytes=2-9", 206)).isEqualTo(Arrays.copyOfRange(whole, 2, 10));

      taker.stop();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(download(nodes.get(2), path, null, 200)).isEqualTo(whole));
    } finally {
      nodes.forEach(TestNode::close);
    }
  }

  private static byte[] download(TestNode n, String path, String range, int status) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.url(path))).timeout(Duration.ofSeconds(30));
    if (range != null) {
      b.header("Range", range);
    }
    HttpResponse<byte[]> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(status);
    return r.body();
  }
}
