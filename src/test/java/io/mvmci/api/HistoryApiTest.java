package io.mvmci.api;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A run's history and the module versions around it, over real HTTP on a real node: the history
 * endpoint, the replay tool, the deploy check against runs in flight, pinning, promoting and deleting
 * versions. {@code versioned-v2} logs one line more than v1; {@code hello} journals nothing.
 */
class HistoryApiTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String SECRET = "test-api-secret-0123456789";
  static final String JSON = "application/json";
  static TestNode node;
  static CountingServer web;
  static String v1;
  static String v2;

  @BeforeAll
  static void start() throws Exception {
    web = new CountingServer();
    node = TestNode.cluster(dirs.create("mvmci-history"), 1, "\n[workers]\nembedded = 2\n")
        .get(0).start();
    v1 = deploy("versioned", "versioned-v1", "").json().get("sha256").asString();
  }

  @AfterAll
  static void stop() {
    node.close();
    web.close();
  }

  static Reply deploy(String name, String file, String query) throws Exception {
    byte[] wasm = Files.readAllBytes(Path.of("workflows/hostile/" + file + ".wasm"));
    return post(node.url("/api/v1/modules/" + name + query), "application/wasm", wasm, "Authorization",
        "Bearer " + SECRET);
  }

  static String submit(String body) {
    Reply r = post(node.url("/api/v1/jobs"), JSON, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("job_id").asString();
  }

  static JsonNode finished(String id) {
    return get(node.url("/api/v1/jobs/" + id + "?wait_ms=30000")).json();
  }

  static Reply admin(String method, String path) {
    return method.equals("DELETE") ? Http.delete(node.url(path), SECRET)
        : post(node.url(path), null, new byte[0], "Authorization", "Bearer " + SECRET);
  }

  @Test
  void theHistoryListsEachStepAndTheReplayFindsWhereAnotherVersionDiverges() throws Exception {
    String id = submit("{\"workflow\":\"versioned\",\"input\":{\"url\":\"" + web.url("/history") + "\"}}");
    assertThat(finished(id).get("status").asString()).isEqualTo("Completed");

    JsonNode history = get(node.url("/api/v1/jobs/" + id + "/history")).json();
    JsonNode steps = history.get("executions").get(0).get("attempts").get(0).get("steps");
    assertThat(steps).hasSize(2);
    assertThat(steps.get(0).get("kind").asString()).isEqualTo("log");
    assertThat(steps.get(1).get("kind").asString()).isEqualTo("http_request");
    assertThat(steps.get(1).get("outcome").asString()).isEqualTo("ok");
    assertThat(steps.get(1).get("result_bytes").asLong()).isPositive();
    assertThat(steps.get(1).has("result")).as("results only when asked").isFalse();
    JsonNode full = get(node.url("/api/v1/jobs/" + id + "/history?results=true")).json()
        .get("executions").get(0).get("attempts").get(0).get("steps");
    assertThat(full.get(0).get("result").asString()).isEqualTo("hello");
    assertThat(full.get(1).get("result").asString()).contains("\"status\":200");
    assertThat(get(node.url("/api/v1/jobs/" + id + "/history?results=maybe")).status()).isEqualTo(400);
    assertThat(get(node.url("/api/v1/jobs/job-999999/history")).status()).isEqualTo(404);

    JsonNode same = post(node.url("/api/v1/jobs/" + id + "/replay"), JSON, "{}").json();
    assertThat(same.get("verdict").asString()).isEqualTo("deterministic");
    assertThat(same.get("module_sha256").asString()).isEqualTo(v1);
    assertThat(same.get("steps_replayed").asInt()).isEqualTo(2);

    String other = deploy("versioned-b", "versioned-v2", "").json().get("sha256").asString();
    Reply unknown = post(node.url("/api/v1/jobs/" + id + "/replay"), JSON, "{\"module_sha256\":\"" + other + "\"}");
    assertThat(unknown.status()).as("a version of another module").isEqualTo(400);
    assertThat(post(node.url("/api/v1/jobs/" + id + "/replay"), JSON, "{\"bogus\":1}").status()).isEqualTo(400);
    assertThat(web.hits("/history")).as("replays send nothing").isEqualTo(1);
  }

  @Test
  void aDeployCheckedAgainstRunsInFlightIsRefusedWhenOneWouldDivergeAndAPinnedJobKeepsItsVersion()
      throws Exception {
    String held = submit("{\"workflow\":\"versioned\",\"input\":{\"url\":\"" + web.url("/slow/in-flight") + "\"}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> web.hits("/slow/in-flight") == 1);

    Reply refused = deploy("versioned", "hello", "?check=in-flight");
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.json().get("check").get("diverging").asInt()).isEqualTo(1);
    JsonNode run = refused.json().get("check").get("runs").get(0);
    assertThat(run.get("job_id").asString()).isEqualTo(held);
    assertThat(run.get("divergence").asString()).contains("journal has log level 1 \"hello\"");
    assertThat(latest("versioned")).as("nothing switched").isEqualTo(v1);

    Reply dry = deploy("versioned", "versioned-v2", "?check=in-flight&dry_run=true");
    assertThat(dry.status()).isEqualTo(200);
    assertThat(dry.json().get("check").get("diverging").asInt()).isZero();
    assertThat(latest("versioned")).isEqualTo(v1);
    assertThat(deploy("versioned", "versioned-v2", "?check=sometimes").status()).isEqualTo(400);

    Reply deployed = deploy("versioned", "versioned-v2", "?check=in-flight");
    assertThat(deployed.status()).isEqualTo(201);
    v2 = deployed.json().get("sha256").asString();
    assertThat(latest("versioned")).isEqualTo(v2);
    web.release("/slow/in-flight");
    assertThat(finished(held).get("module_sha256").asString()).as("the running attempt kept its version").isEqualTo(v1);

    String pinned = submit("{\"workflow\":\"versioned\",\"module_sha256\":\"" + v1 + "\",\"input\":{\"url\":\""
        + web.url("/pinned") + "\"}}");
    JsonNode job = finished(pinned);
    assertThat(job.get("module_sha256").asString()).isEqualTo(v1);
    assertThat(job.get("pinned_sha256").asString()).isEqualTo(v1);
    assertThat(get(node.url("/api/v1/jobs/" + pinned + "/logs")).body()).doesNotContain("changed");
    assertThat(post(node.url("/api/v1/jobs"), JSON, "{\"workflow\":\"versioned\",\"module_sha256\":\"" + "ab".repeat(32)
        + "\"}").status()).as("an unknown version").isEqualTo(400);
    assertThat(post(node.url("/api/v1/jobs"), JSON, "{\"workflow\":\"versioned\",\"module_sha256\":\"abc\"}").status())
        .isEqualTo(400);

    assertThat(admin("DELETE", "/api/v1/modules/versioned/" + v2).status()).as("the latest").isEqualTo(409);
    assertThat(admin("POST", "/api/v1/modules/versioned/" + v1 + "/promote").status()).isEqualTo(204);
    assertThat(latest("versioned")).isEqualTo(v1);
    assertThat(admin("DELETE", "/api/v1/modules/versioned/" + v2).status()).isEqualTo(204);
    assertThat(admin("DELETE", "/api/v1/modules/versioned/" + v2).status()).isEqualTo(404);
    assertThat(Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        node.url("/api/v1/modules/versioned/" + v1))).DELETE()).status()).as("secret_api needed").isEqualTo(401);
  }

  static String latest(String name) {
    for (JsonNode m : get(node.url("/api/v1/modules")).json()) {
      if (m.get("name").asString().equals(name) && m.get("latest").asBoolean()) {
        assertThat(m.has("deployed_at")).isTrue();
        return m.get("sha256").asString();
      }
    }
    return null;
  }
}
