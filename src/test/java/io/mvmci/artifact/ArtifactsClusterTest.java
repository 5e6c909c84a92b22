package io.mvmci.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.Http;
import io.mvmci.testing.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Three real nodes in this JVM: an artifact uploaded through one node's worker endpoint reaches every
 * member's blob directory by Ratis DataStream before it is acknowledged, is listed on every node, and
 * is served from any node, whole or by Range; the node that took it stops and another still serves it.
 * Limits answer problem+json.
 */
class ArtifactsClusterTest {
  static final HttpClient CLIENT = HttpClient.newHttpClient();
  @TempDir static Path dir;
  static List<TestNode> nodes;

  @BeforeAll
  static void start() {
    nodes = TestNode.startAll(TestNode.cluster(dir, 3, """

        [workers]
        embedded = 0

        [artifacts]
        max_artifact_bytes = 8388608
        max_job_bytes = 12582912
        max_per_job = 3
        """));
  }

  @AfterAll
  static void stop() {
    if (nodes != null) {
      nodes.forEach(TestNode::close);
    }
  }

  @Test
  void anArtifactIsOnEveryMemberBeforeItIsAcknowledgedAndIsServedFromAnyNode() throws Exception {
    String id = submit(nodes.get(0));
    byte[] bytes = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(bytes);

    HttpResponse<String> put = put(nodes.get(0), id, "build output.tar", bytes);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    JsonNode stored = Http.JSON.readTree(put.body());
    String sha = BlobStore.sha256Hex(bytes);
    assertThat(stored.get("sha256").asString()).isEqualTo(sha);
    assertThat(stored.get("holders").asString()).isEqualTo("nodes:1,2,3");
    for (TestNode n : nodes) {
      Path blob = n.dataDir().resolve("artifacts/blobs/" + sha.substring(0, 2) + "/" + sha);
      assertThat(blob).as("node %d holds the bytes once the upload is acknowledged", n.id).exists();
      assertThat(Files.readAllBytes(blob)).isEqualTo(bytes);
    }

    for (TestNode n : nodes) {
      JsonNode list = Http.get(n.url("/api/v1/jobs/" + id + "/artifacts")).json();
      assertThat(list.get("artifacts").get(0).get("name").asString()).isEqualTo("build output.tar");
      assertThat(list.get("artifacts").get(0).get("size").asLong()).isEqualTo(bytes.length);
    }
    String path = "/api/v1/jobs/" + id + "/artifacts/build%20output.tar";
    HttpResponse<byte[]> whole = get(nodes.get(2), path, null);
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(bytes);
    assertThat(whole.headers().firstValue("ETag")).contains("\"" + sha + "\"");
    HttpResponse<byte[]> part = get(nodes.get(1), path, "bytes=1000-1999");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.headers().firstValue("Content-Range")).contains("bytes 1000-1999/" + bytes.length);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(bytes, 1000, 2000));
    assertThat(get(nodes.get(1), path, "bytes=" + bytes.length + "-").statusCode()).isEqualTo(416);

    nodes.get(0).stop();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<byte[]> after = get(nodes.get(1), path, null);
      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(after.body()).isEqualTo(bytes);
    });
    HttpResponse<String> onTwo = put(nodes.get(1), id, "after.txt", "still a majority".getBytes());
    assertThat(onTwo.statusCode()).as(onTwo.body()).isEqualTo(201);
    assertThat(Http.JSON.readTree(onTwo.body()).get("holders").asString()).isEqualTo("nodes:2,3");
  }

  @Test
  void limitsAndBadNamesAreProblems() throws Exception {
    TestNode n = nodes.get(2);
    String id = submit(n);
    String big = declareOnly(n, "/api/v1/workers/jobs/" + id + "/artifacts/big", 8 * 1024 * 1024 + 1);
    assertThat(big).as("refused as soon as it is declared, before a byte of it is read")
        .startsWith("HTTP/1.1 413").contains("application/problem+json").contains("max_artifact_bytes");
    assertThat(put(n, id, "a", new byte[7 * 1024 * 1024]).statusCode()).isEqualTo(201);
    HttpResponse<String> job = put(n, id, "b", new byte[6 * 1024 * 1024]);
    assertThat(job.statusCode()).isEqualTo(413);
    assertThat(job.body()).contains("max_job_bytes");
    assertThat(put(n, id, "..", new byte[1]).statusCode()).isEqualTo(400);
    assertThat(put(n, "job-99999", "x", new byte[1]).statusCode()).isEqualTo(404);
    assertThat(get(n, "/api/v1/jobs/" + id + "/artifacts/nope", null).statusCode()).isEqualTo(404);
  }

  private static String submit(TestNode n) {
    Http.Reply r = Http.post(n.url("/api/v1/jobs"), "application/json", "{\"workflow\":\"noop\",\"input\":{}}");
    assertThat(r.status()).as(r.body()).isIn(201, 202);
    return r.json().get("job_id").asString();
  }

  static HttpResponse<String> put(TestNode n, String id, String name, byte[] body) throws Exception {
    String url = n.url("/api/v1/workers/jobs/" + id + "/artifacts/" + name.replace(" ", "%20"));
    return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + ClusterConfig.SECRET_API)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends a PUT's headers declaring {@code length} bytes, none of the bytes, and reads the answer. */
  static String declareOnly(TestNode n, String path, long length) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", n.httpPort)) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
          + ClusterConfig.SECRET_API + "\r\nContent-Length: " + length + "\r\nConnection: close\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  static HttpResponse<byte[]> get(TestNode n, String path, String range) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.url(path))).timeout(Duration.ofSeconds(60));
    if (range != null) {
      b.header("Range", range);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
