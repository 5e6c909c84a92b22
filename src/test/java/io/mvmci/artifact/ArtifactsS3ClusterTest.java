package io.mvmci.artifact;

import static io.mvmci.artifact.ArtifactsClusterTest.declareOnly;
import static io.mvmci.artifact.ArtifactsClusterTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.command.PurgeJobs;
import io.mvmci.command.Result;
import io.mvmci.replication.RaftNode;
import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.FreePorts;
import io.mvmci.testing.Http;
import io.mvmci.testing.TestNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import tools.jackson.databind.JsonNode;

/**
 * Three real nodes in this JVM with {@code [artifacts] store = "s3"}, against a real S3 implementation
 * started here (S3Proxy from Maven Central, its transient blob store, AWS V4 signatures): an artifact
 * stored by a guest on one node's embedded worker, and one uploaded through a worker endpoint (large
 * enough for a multipart upload), are in the bucket and on no node's disk, listed and served with
 * Range from the other nodes; the sweep deletes an object once retention purged its job; caps are 413
 * problem+json; with S3 gone an upload is a 502 problem+json saying so, and a guest's artifact_close
 * answers 1 with the reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArtifactsS3ClusterTest {
  static final String BUCKET = "ci-artifacts";
  static final String ACCESS = "mvmci-test-access";
  static final String SECRET = "mvmci-test-secret-key";
  @TempDir static Path dir;
  static S3Proxy s3proxy;
  static URI endpoint;
  static S3Client s3;
  static List<TestNode> nodes;

  @BeforeAll
  static void start() throws Exception {
    endpoint = URI.create("http://127.0.0.1:" + FreePorts.next());
    s3proxy = S3Proxy.builder().blobStore(new TransientNio2BlobStore()).endpoint(endpoint)
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
    s3proxy.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> s3proxy.getState().equals("STARTED"));
    s3 = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET))).build();
    s3.createBucket(b -> b.bucket(BUCKET));
    nodes = TestNode.startAll(TestNode.cluster(dir, 3, """

        [workers]
        embedded = 1

        [artifacts]
        max_artifact_bytes = 16777216
        max_job_bytes = 25165824
        max_per_job = 3
        store = "s3"
        s3_bucket = "%s"
        s3_endpoint = "%s"
        s3_region = "us-east-1"
        s3_prefix = "ci/"
        s3_path_style = true
        s3_access_key_id = "%s"
        s3_secret_access_key = "%s"
        s3_part_bytes = 5242880
        """.formatted(BUCKET, endpoint, ACCESS, SECRET)));
    Http.Reply deployed = Http.post(nodes.get(0).url("/api/v1/modules/artifacts"), "application/wasm",
        Files.readAllBytes(Path.of("workflows/hostile/artifacts.wasm")), "Authorization",
        "Bearer " + ClusterConfig.SECRET_API);
    assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() throws Exception {
    if (nodes != null) {
      nodes.forEach(TestNode::close);
    }
    if (s3 != null) {
      s3.close();
    }
    if (s3proxy != null && !s3proxy.getState().equals("STOPPED")) {
      s3proxy.stop();
    }
  }

  @Test
  @Order(1)
  void aGuestsArtifactGoesToS3AndIsServedByEveryNode() throws Exception {
    String id = submit(nodes.get(1), "artifacts", "{\"text\":\"a report from the guest\"}");
    String output = await().atMost(Duration.ofSeconds(60)).until(() -> finished(nodes.get(1), id), o -> o != null);
    assertThat(output).as("artifact_close answered 0 and the stored artifact").startsWith("0 ");
    JsonNode stored = Http.JSON.readTree(output.substring(2));
    String sha = stored.get("sha256").asString();
    assertThat(stored.get("holders").asString()).isEqualTo("s3:" + BUCKET + "/ci/sha256/" + sha);
    assertThat(s3.headObject(b -> b.bucket(BUCKET).key("ci/sha256/" + sha)).contentLength())
        .isEqualTo(stored.get("size").asLong());
    byte[] first = null;
    for (TestNode n : nodes) {
      assertThat(n.dataDir().resolve("artifacts/blobs/" + sha.substring(0, 2) + "/" + sha))
          .as("no node keeps the bytes itself").doesNotExist();
      JsonNode list = Http.get(n.url("/api/v1/jobs/" + id + "/artifacts")).json();
      assertThat(list.get("artifacts").get(0).get("holders").asString()).startsWith("s3:");
      HttpResponse<byte[]> whole = get(n, "/api/v1/jobs/" + id + "/artifacts/report.txt", null);
      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(BlobStore.sha256Hex(whole.body())).isEqualTo(sha);
      assertThat(new String(whole.body())).contains("a report from the guest");
      first = whole.body();
    }
    HttpResponse<byte[]> part = get(nodes.get(2), "/api/v1/jobs/" + id + "/artifacts/report.txt", "bytes=3-8");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(first, 3, 9));
  }

  @Test
  @Order(2)
  void aWorkerUploadIsAMultipartObjectServedWithRangeAndSweptAfterRetention() throws Exception {
    String id = submit(nodes.get(0), "noop", "{}");
    byte[] bytes = new byte[11 * 1024 * 1024 + 5];
    new Random(11).nextBytes(bytes);
    String sha = BlobStore.sha256Hex(bytes);
    HttpResponse<String> putAnswer = put(nodes.get(0), id, "dist.bin", bytes);
    assertThat(putAnswer.statusCode()).as(putAnswer.body()).isEqualTo(201);
    assertThat(Http.JSON.readTree(putAnswer.body()).get("holders").asString())
        .isEqualTo("s3:" + BUCKET + "/ci/sha256/" + sha);
    String key = "ci/sha256/" + sha;
    assertThat(s3.headObject(b -> b.bucket(BUCKET).key(key)).contentLength()).isEqualTo(bytes.length);

    String path = "/api/v1/jobs/" + id + "/artifacts/dist.bin";
    HttpResponse<byte[]> whole = get(nodes.get(2), path, null);
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(bytes);
    assertThat(whole.headers().firstValue("ETag")).contains("\"" + sha + "\"");
    HttpResponse<byte[]> part = get(nodes.get(1), path, "bytes=6000000-6000999");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.headers().firstValue("Content-Range")).contains("bytes 6000000-6000999/" + bytes.length);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(bytes, 6_000_000, 6_001_000));
    HttpResponse<byte[]> tail = get(nodes.get(1), path, "bytes=-10");
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 10, bytes.length));
    assertThat(get(nodes.get(1), path, "bytes=" + bytes.length + "-").statusCode()).isEqualTo(416);

    // retention: the job ends and is purged (the command the reaper proposes); the leader's sweep
    // then deletes the object no artifact refers to any more, the other nodes' sweeps leave S3 alone
    Http.post(nodes.get(0).url("/api/v1/jobs/" + id + "/cancel"), "application/json", "");
    await().atMost(Duration.ofSeconds(30)).until(() -> List.of("Completed", "Cancelled")
        .contains(Http.get(nodes.get(0).url("/api/v1/jobs/" + id)).json().get("status").asString()));
    RaftNode raft = nodes.get(0).bean(RaftNode.class);
    Result purged = raft.submit(new PurgeJobs(System.currentTimeMillis(), System.currentTimeMillis() + 1, 100))
        .get(30, TimeUnit.SECONDS);
    assertThat(purged).isNotInstanceOf(Result.Rejected.class);
    TestNode leader = await().atMost(Duration.ofSeconds(10)).until(
        () -> nodes.stream().filter(n -> n.bean(RaftNode.class).isLeader()).findFirst().orElse(null), n -> n != null);
    for (TestNode n : nodes) {
      if (n != leader) {
        n.bean(ArtifactService.class).sweep(0);
      }
    }
    assertThat(s3.headObject(b -> b.bucket(BUCKET).key(key)).contentLength()).isEqualTo(bytes.length);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      leader.bean(ArtifactService.class).sweep(0);
      assertThat(objectExists(key)).as("the purged job's object").isFalse();
    });
    assertThat(get(nodes.get(1), path, null).statusCode()).as("the job is gone").isEqualTo(404);
  }

  @Test
  @Order(3)
  void capsAreProblems() throws Exception {
    TestNode n = nodes.get(1);
    String id = submit(n, "noop", "{}");
    String big = declareOnly(n, "/api/v1/workers/jobs/" + id + "/artifacts/big", 16 * 1024 * 1024 + 1);
    assertThat(big).startsWith("HTTP/1.1 413").contains("application/problem+json").contains("max_artifact_bytes");
    assertThat(put(n, id, "a", new byte[15 * 1024 * 1024]).statusCode()).isEqualTo(201);
    HttpResponse<String> job = put(n, id, "b", new byte[10 * 1024 * 1024]);
    assertThat(job.statusCode()).isEqualTo(413);
    assertThat(job.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
    assertThat(job.body()).contains("max_job_bytes");
  }

  @Test
  @Order(9)
  void withS3GoneAnUploadSaysSoAndAGuestReadsWhy() throws Exception {
    s3proxy.stop();
    TestNode n = nodes.get(2);
    String id = submit(n, "noop", "{}");
    HttpResponse<String> refused = put(n, id, "x.txt", "bytes".getBytes());
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(502);
    assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
    assertThat(Http.JSON.readTree(refused.body()).get("detail").asString())
        .contains("S3 bucket " + BUCKET + " at " + endpoint + " did not take the artifact's bytes");

    String run = submit(nodes.get(0), "artifacts", "{\"text\":\"never stored\"}");
    String output = await().atMost(Duration.ofSeconds(60)).until(() -> finished(nodes.get(0), run), o -> o != null);
    assertThat(output).as("artifact_close answered 1 and why").startsWith("1 S3 bucket " + BUCKET)
        .contains("did not take the artifact's bytes");
    assertThat(Http.get(n.url("/api/v1/jobs/" + run + "/artifacts")).json().get("artifacts")).isEmpty();
  }

  /**
   * {@link ArtifactsClusterTest#put}, on a connection of its own: a pooled one the node closed after
   * its 10 s keep-alive (while a long multipart upload ran) could be reused and fail before any answer.
   */
  static HttpResponse<String> put(TestNode n, String id, String name, byte[] body) throws Exception {
    String url = n.url("/api/v1/workers/jobs/" + id + "/artifacts/" + name.replace(" ", "%20"));
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + ClusterConfig.SECRET_API)
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static boolean objectExists(String key) {
    try {
      s3.headObject(b -> b.bucket(BUCKET).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private static String submit(TestNode n, String workflow, String input) {
    Http.Reply r = Http.post(n.url("/api/v1/jobs"), "application/json",
        "{\"workflow\":\"" + workflow + "\",\"input\":" + input + "}");
    assertThat(r.status()).as(r.body()).isIn(201, 202);
    return r.json().get("job_id").asString();
  }

  /** The job's output as text once it completed, else null. */
  private static String finished(TestNode n, String id) {
    JsonNode j = Http.get(n.url("/api/v1/jobs/" + id)).json();
    if (!j.get("status").asString().equals("Completed")) {
      assertThat(j.get("status").asString()).as(j.toString()).isNotIn("Failed", "Cancelled");
      return null;
    }
    JsonNode o = j.get("output");
    return o.isString() ? o.asString() : o.toString();
  }
}
