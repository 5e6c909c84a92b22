package io.mvmci.api;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Labels and concurrency groups over the real API of one real node: its embedded worker has the
 * label {@code linux}; remote workers speak the worker protocol over HTTP with a ticket.
 */
class DispatchApiTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String SECRET = WorkerTicketScopeTest.SECRET;
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.cluster(dirs.create("mvmci-dispatch"), 1,
        "\n[workers]\nembedded = 1\nlabels = [\"linux\"]\n").get(0).start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static Reply submit(String body) {
    return post(node.url("/api/v1/jobs"), "application/json", body);
  }

  static Reply worker(String endpoint, String token, String body) {
    return post(node.url("/api/v1/workers/" + endpoint), "application/json", body.getBytes(),
        "Authorization", "Bearer " + token);
  }

  static JsonNode job(String id) {
    return get(node.url("/api/v1/jobs/" + id)).json();
  }

  @Test
  void aJobNoLiveWorkerCanTakeSaysSoAndRunsWhenAWorkerWithItsLabelsComes() {
    Reply r = submit("{\"workflow\":\"noop\",\"labels\":[\"gpu\",\"arm64\"]}");
    assertThat(r.status()).isEqualTo(201);
    String id = r.json().get("job_id").asString();
    assertThat(r.json().get("labels").toString()).isEqualTo("[\"gpu\",\"arm64\"]");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(job(id).get("reason").asString()).isEqualTo("no live worker has labels gpu, arm64"));
    assertThat(job(id).get("status").asString()).as("the embedded worker (linux) does not take it")
        .isEqualTo("Pending");
    String list = get(node.url("/api/v1/jobs?status=Pending")).body();
    assertThat(list).contains("no live worker has labels gpu, arm64");

    Reply gpuOnly = worker("claim", SECRET, "{\"worker_id\":\"gpu-box\",\"max\":1,\"labels\":[\"gpu\"]}");
    assertThat(gpuOnly.json().get("jobs")).as("a worker with only one of the labels").isEmpty();
    Reply both = worker("claim", SECRET, "{\"worker_id\":\"gpu-arm\",\"max\":1,\"labels\":[\"arm64\",\"gpu\"]}");
    assertThat(both.json().get("jobs")).hasSize(1);
    JsonNode claimed = both.json().get("jobs").get(0);
    assertThat(claimed.get("job_id").asString()).isEqualTo(id);
    assertThat(worker("complete", SECRET, "{\"worker_id\":\"gpu-arm\",\"seq\":" + claimed.get("seq").asLong()
        + ",\"attempt\":" + claimed.get("attempt").asInt() + ",\"output\":{}}").json().get("accepted").asBoolean())
        .isTrue();
    assertThat(job(id).get("status").asString()).isEqualTo("Completed");
  }

  @Test
  void aLiveWorkerWithTheLabelsClearsTheNote() {
    String id = submit("{\"workflow\":\"noop\",\"labels\":[\"fpga\"],\"delay_ms\":60000}").json().get("job_id").asString();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(job(id).get("reason").asString()).isEqualTo("no live worker has labels fpga"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Reply beat = worker("heartbeat", SECRET, "{\"worker_id\":\"beater\",\"capacity\":1,\"running\":[],"
          + "\"labels\":[\"fpga\"]}");
      assertThat(beat.status()).as(beat.body()).isEqualTo(200);
      assertThat(job(id).get("reason").asString()).doesNotContain("no live worker");
    });
    JsonNode workers = get(node.url("/api/v1/workers")).json().get("workers");
    assertThat(workers.toString()).contains("\"labels\":[\"fpga\"]");
  }

  @Test
  void theEmbeddedWorkerTakesJobsWithItsConfiguredLabels() {
    String id = submit("{\"workflow\":\"noop\",\"labels\":[\"linux\"]}").json().get("job_id").asString();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(job(id).get("status").asString()).isEqualTo("Completed"));
  }

  @Test
  void aTicketRestrictsTheLabelsItsHolderMayUseAndGivesItsOwn() {
    Reply t = post(node.url("/api/v1/tickets"), "application/json",
        "{\"label\":\"tpu runner\",\"labels\":[\"tpu\"]}".getBytes(), "Authorization", "Bearer " + SECRET);
    assertThat(t.status()).isEqualTo(201);
    assertThat(t.json().get("labels").toString()).isEqualTo("[\"tpu\"]");
    String token = WorkerTicketScopeTest.token(t.json());
    Reply refused = worker("claim", token, "{\"worker_id\":\"r\",\"max\":1,\"labels\":[\"tpu\",\"gpu\"]}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("allows only labels tpu, not gpu");
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");

    String id = submit("{\"workflow\":\"noop\",\"labels\":[\"tpu\"]}").json().get("job_id").asString();
    JsonNode claimed = WorkerTicketScopeTest.claimOne(node, token, "{\"worker_id\":\"r\",\"max\":1,\"wait_ms\":2000}");
    assertThat(claimed.get("job_id").asString()).as("the ticket's labels, when the worker names none").isEqualTo(id);
  }

  @Test
  void badDispatchFieldsAreProblemsNamingTheField() {
    assertProblem(submit("{\"workflow\":\"noop\",\"labels\":\"gpu\"}"), "labels");
    assertProblem(submit("{\"workflow\":\"noop\",\"labels\":[\"GPU\"]}"), "labels");
    assertProblem(submit("{\"workflow\":\"noop\",\"concurrency_limit\":2}"), "concurrency_limit");
    assertProblem(submit("{\"workflow\":\"noop\",\"concurrency_key\":\"k\",\"concurrency_limit\":0}"),
        "concurrency_limit");
    assertProblem(submit("{\"workflow\":\"noop\",\"concurrency_key\":\"k\",\"concurrency_policy\":\"newest\"}"),
        "concurrency_policy");
    assertProblem(submit("{\"workflow\":\"noop\",\"concurrency_key\":\"has space\"}"), "concurrency_key");
    assertProblem(worker("claim", SECRET, "{\"worker_id\":\"w\",\"max\":1,\"labels\":[1]}"), "labels");
  }

  @Test
  void aConcurrencyGroupShowsOnTheJobAndQueues() {
    JsonNode first = submit("{\"workflow\":\"noop\",\"concurrency_key\":\"deploy-x\",\"labels\":[\"nowhere\"]}").json();
    assertThat(first.get("concurrency_key").asString()).isEqualTo("deploy-x");
    assertThat(first.get("concurrency_limit").asInt()).isEqualTo(1);
    assertThat(first.get("concurrency_policy").asString()).isEqualTo("queue");
    Reply form = post(node.url("/new-job"), "application/x-www-form-urlencoded",
        "workflow=noop&labels=nowhere,else&concurrency_key=deploy-x&concurrency_policy=skip");
    assertThat(form.status()).isEqualTo(201);
    assertThat(form.json().get("labels").toString()).isEqualTo("[\"nowhere\",\"else\"]");
    assertThat(form.json().get("concurrency_policy").asString()).isEqualTo("skip");
  }

  static void assertProblem(Reply r, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.body()).contains(field);
  }
}
