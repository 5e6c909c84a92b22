package io.mvmci.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.Http;
import io.mvmci.testing.NodeProcess;
import io.mvmci.testing.ProcessCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The check, with node processes: an artifact stored through one node is downloaded intact
 * from another after the node that took it was killed with SIGKILL. Then, with that node still down,
 * a second artifact is stored on the two left (a majority), and once the killed node is back it
 * serves that artifact too, fetching the bytes it missed from a holder.
 */
class ArtifactNodeKillProcessTest {
  static final HttpClient CLIENT = HttpClient.newHttpClient();

  @Test
  void anArtifactOutlivesTheNodeThatTookIt() throws Exception {
    try (ProcessCluster cluster = ProcessCluster.start("artifact-kill")) {
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
    NodeProcess taker = cluster.node(1 + new Random().nextInt(3));
    Http.Reply job = Http.post(taker.url("/api/v1/jobs"), "application/json", "{\"workflow\":\"noop\",\"input\":{}}");
    assertThat(job.status()).as(job.body()).isIn(201, 202);
    String id = job.json().get("job_id").asString();
    byte[] bytes = new byte[5 * 1024 * 1024 + 3];
    new Random(42).nextBytes(bytes);
    HttpResponse<String> put = put(taker, id, "dist.tar", bytes);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

    assertThat(taker.kill()).isEqualTo(137);
    for (NodeProcess n : cluster.others(taker)) {
      HttpResponse<byte[]> r = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> get(n, "/api/v1/jobs/" + id + "/artifacts/dist.tar"), x -> x.statusCode() == 200);
      assertThat(sha(r.body())).as("node %d serves it intact", n.id).isEqualTo(sha(bytes));
    }

    NodeProcess survivor = cluster.others(taker).get(0);
    byte[] second = "built while one node was down".getBytes();
    HttpResponse<String> put2 = await().atMost(Duration.ofSeconds(60))
        .until(() -> put(survivor, id, "late.txt", second), r -> r.statusCode() == 201);
    assertThat(put2.body()).doesNotContain("\"nodes:1,2,3\"");
    taker.start();
    cluster.awaitUp(taker);
    HttpResponse<byte[]> late = await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
        .until(() -> get(taker, "/api/v1/jobs/" + id + "/artifacts/late.txt"), x -> x.statusCode() == 200);
    assertThat(late.body()).as("fetched from a holder by the node that missed it").isEqualTo(second);
  }

  static HttpResponse<String> put(NodeProcess n, String id, String name, byte[] body) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(n.url("/api/v1/workers/jobs/" + id + "/artifacts/" + name)))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + ClusterConfig.SECRET_API)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<byte[]> get(NodeProcess n, String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(n.url(path))).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
