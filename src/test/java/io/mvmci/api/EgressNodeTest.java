package io.mvmci.api;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.CountingServer.Reply;
import io.mvmci.testing.Http;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The SSRF of the independent test run, on a real node: a workflow reaches the local test server
 * (the harness allows 127.0.0.1, as {@code [workers] egress_allow} lets an operator), but not the
 * node's own API on that same address, neither directly nor through a redirect. The pipeline step
 * that once cancelled another job is denied, and the other job stays pending.
 */
class EgressNodeTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static TestNode node;
  static CountingServer web;

  @BeforeAll
  static void start() throws Exception {
    web = new CountingServer();
    node = TestNode.cluster(dirs.create("mvmci-egress"), 1, "\n[workers]\nembedded = 2\n").get(0).start();
  }

  @AfterAll
  static void stop() {
    node.close();
    web.close();
  }

  static String submit(String body) {
    Http.Reply r = post(node.url("/api/v1/jobs"), "application/json", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("job_id").asString();
  }

  static JsonNode finished(String id) {
    return get(node.url("/api/v1/jobs/" + id + "?wait_ms=60000")).json();
  }

  @Test
  void aPipelineStepCannotCancelAnotherJobThroughTheNodesOwnApi() {
    String victim = submit("{\"url\": \"" + web.url("/later") + "\", \"delay_ms\": 3600000}");
    String step = "{\"name\": \"cancel\", \"url\": \"" + node.url("/api/v1/jobs/" + victim + "/cancel")
        + "\", \"method\": \"POST\"}";
    String attacker = submit("{\"workflow\": \"pipeline\", \"max_attempts\": 1, \"input\": {\"steps\": [" + step + "]}}");

    JsonNode done = finished(attacker);
    assertThat(done.get("status").asString()).isEqualTo("Failed");
    assertThat(done.get("output").toString()).contains("a port of this mvm-ci cluster");
    assertThat(get(node.url("/api/v1/jobs/" + victim)).json().get("status").asString()).isEqualTo("Pending");
  }

  @Test
  void aCrawlRedirectedToTheNodesOwnApiIsDeniedAtThatHop() {
    web.route("/to-api", (r, hit) -> Reply.redirect(302, node.url("/api/v1/cluster")));
    String id = submit("{\"url\": \"" + web.url("/to-api") + "\", \"max_attempts\": 1}");

    JsonNode done = finished(id);
    assertThat(done.get("status").asString()).isEqualTo("Failed");
    assertThat(done.get("error").asString()).contains("denied by this node's egress policy")
        .doesNotContain("\"term\"");
    assertThat(web.hits("/to-api")).isEqualTo(1);
  }

  @Test
  void theLocalServerItselfIsReachableBecauseTheHarnessAllowsIt() {
    String id = submit("{\"url\": \"" + web.url("/allowed") + "\"}");
    assertThat(finished(id).get("status").asString()).isEqualTo("Completed");
    assertThat(web.hits("/allowed")).isEqualTo(1);
  }
}
