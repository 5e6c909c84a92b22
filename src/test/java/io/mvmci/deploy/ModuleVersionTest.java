package io.mvmci.deploy;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The module version a run executes is decided in the log, by its claim: a redeploy while a job runs
 * does not change the version it runs, on any node, and a job claimed after the redeploy runs the new
 * one. {@code versioned-v2} logs "changed" where v1 does not, so the logs show what actually ran.
 */
class ModuleVersionTest {
  static final String SECRET = "test-api-secret-0123456789";

  @TempDir Path dir;

  @Test
  void aClaimedRunKeepsItsVersionAcrossARedeployAndTheNextClaimTakesTheNewOne() throws Exception {
    List<TestNode> nodes = TestNode.cluster(dir, 3, "\n[workers]\nembedded = 2\n");
    try (CountingServer web = new CountingServer()) {
      TestNode.startAll(nodes);

      String v1 = deploy(nodes.get(0), "versioned-v1");
      String held = submit(nodes.get(1), web.url("/slow/held"));
      await().atMost(Duration.ofSeconds(60)).until(() -> web.hits("/slow/held") == 1);
      assertThat(job(nodes.get(2), held).get("status").asString()).isEqualTo("InProgress");

      String v2 = deploy(nodes.get(2), "versioned-v2");
      assertThat(v2).isNotEqualTo(v1);
      web.release("/slow/held");
      String after = submit(nodes.get(0), web.url("/after"));

      for (String id : List.of(held, after)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> nodes.stream()
            .allMatch(n -> job(n, id).get("status").asString().equals("Completed")));
      }
      for (TestNode n : nodes) {
        assertThat(job(n, held).get("module_sha256").asString()).as("node %d", n.id).isEqualTo(v1);
        assertThat(job(n, after).get("module_sha256").asString()).as("node %d", n.id).isEqualTo(v2);
        JsonNode claim = get(n.url("/api/v1/jobs/" + held + "/events")).json().get("events").get(1);
        assertThat(claim.get("status").asString()).isEqualTo("InProgress");
        assertThat(claim.get("module_sha256").asString()).as("the claim's event names its version").isEqualTo(v1);
      }
      assertThat(logs(nodes.get(0), held)).contains("hello").doesNotContain("changed");
      assertThat(logs(nodes.get(0), after)).contains("hello", "changed");
      assertThat(web.hits("/slow/held")).isEqualTo(1);
    } finally {
      nodes.forEach(TestNode::stop);
    }
  }

  private static String deploy(TestNode via, String file) throws Exception {
    byte[] wasm = Files.readAllBytes(Path.of("workflows/hostile/" + file + ".wasm"));
    Reply r = post(via.url("/api/v1/modules/versioned"), "application/wasm", wasm,
        "Authorization", "Bearer " + SECRET);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("sha256").asString();
  }

  private static String submit(TestNode via, String url) {
    Reply r = post(via.url("/api/v1/jobs"), "application/json",
        "{\"workflow\":\"versioned\",\"input\":{\"url\":\"" + url + "\"}}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("job_id").asString();
  }

  private static JsonNode job(TestNode n, String id) {
    return get(n.url("/api/v1/jobs/" + id)).json();
  }

  private static String logs(TestNode n, String id) {
    return get(n.url("/api/v1/jobs/" + id + "/logs")).body();
  }
}
