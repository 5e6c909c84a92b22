package io.mvmci.waits;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.deploy.ModuleDeployer;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Runs that wait, on one real node with two embedded slots: a long sleep gives its slot back and a
 * timer wakes it; an approval gate waits for a signal; signals are taken in order; a parent spawns and
 * awaits children; cancelling a parent cancels its children. The workflow is
 * {@code workflows/testing/waits} (ABI v3).
 */
class WaitingRunsTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String JSON = "application/json";
  static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    dir = dirs.create("mvmci-waits");
    node = TestNode.cluster(dir, 1, "\n[workers]\nembedded = 2\n").get(0).start();
    node.bean(ModuleDeployer.class).deploy("waits", Files.readAllBytes(Path.of("workflows/testing/waits/waits.wasm")));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static JsonNode job(String id) {
    return get(node.url("/api/v1/jobs/" + id)).json();
  }

  static String submit(String input) {
    Reply r = post(node.url("/api/v1/jobs"), JSON, "{\"workflow\":\"waits\",\"input\":" + input + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("job_id").asString();
  }

  static JsonNode awaitStatus(String id, String status, Duration deadline) {
    return await(id + " " + status).atMost(deadline).pollInterval(Duration.ofMillis(50))
        .until(() -> job(id), j -> j.get("status").asString().equals(status));
  }

  @Test
  void sleepsLongerThanTheThresholdHoldNoSlotAndWakeOnTime() {
    // twelve 2-second sleeps on two slots: in slot-sized waves they would take 12 s
    long t0 = System.currentTimeMillis();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ids.add(submit("{\"sleep\":2000}"));
    }
    JsonNode waiting = awaitStatus(ids.get(11), "Waiting", Duration.ofSeconds(10));
    assertThat(waiting.get("waiting_for").asString()).isEqualTo("timer");
    assertThat(Instant.parse(waiting.get("wake_at").asString()).toEpochMilli()).isGreaterThan(t0 + 1_900);
    JsonNode stats = get(node.url("/api/v1/stats")).json();
    assertThat(stats.get("counts").get("Waiting").asLong()).isPositive();
    assertThat(stats.get("waiting").get("timer").get("jobs").asLong()).isPositive();
    for (String id : ids) {
      JsonNode done = awaitStatus(id, "Completed", Duration.ofSeconds(20));
      assertThat(done.get("output").toString()).isEqualTo("{\"slept\":true}");
    }
    long took = System.currentTimeMillis() - t0;
    assertThat(took).as("all twelve in about one sleep, not six waves").isLessThan(8_000);
    JsonNode events = get(node.url("/api/v1/jobs/" + ids.get(0) + "/events")).json().get("events");
    assertThat(events.toString()).contains("Waiting").contains("woken: its timer was due");
    String metrics = get(node.url("/actuator/prometheus")).body();
    assertThat(metrics).contains("mvmci_timers_lag_seconds_count").contains("mvmci_jobs_waiting{for=\"timer\"");
  }

  @Test
  void anApprovalGateWaitsForItsSignalAndASignalToAFinishedJobIsAConflict() {
    String id = submit("{\"gate\":\"\"}");
    JsonNode waiting = awaitStatus(id, "Waiting", Duration.ofSeconds(10));
    assertThat(waiting.get("waiting_for").asString()).isEqualTo("signal:approve");
    assertThat(waiting.get("wake_at")).as("no timeout").isNull();
    Reply sent = post(node.url("/api/v1/jobs/" + id + "/signals/approve"), JSON, "{\"by\":\"ada\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "Idempotency-Key", "approval-1");
    assertThat(sent.status()).as(sent.body()).isEqualTo(201);
    assertThat(sent.json().get("woke").asBoolean()).isTrue();
    Reply again = post(node.url("/api/v1/jobs/" + id + "/signals/approve"), JSON, "{\"by\":\"ada\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "Idempotency-Key", "approval-1");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("signal_id").asLong()).isEqualTo(sent.json().get("signal_id").asLong());
    JsonNode done = awaitStatus(id, "Completed", Duration.ofSeconds(20));
    assertThat(done.get("output").toString()).isEqualTo("{\"by\":\"ada\"}");
    Reply late = post(node.url("/api/v1/jobs/" + id + "/signals/approve"), JSON, "{}");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.body()).contains("Completed");
    assertThat(post(node.url("/api/v1/jobs/job-999999/signals/approve"), JSON, "{}").status()).isEqualTo(404);
    assertThat(post(node.url("/api/v1/jobs/" + id + "/signals/bad%20name"), JSON, "{}").status()).isEqualTo(400);
    assertThat(post(node.url("/api/v1/jobs/" + id + "/signals/approve"), JSON, "{nope").status()).isEqualTo(400);
    JsonNode signals = get(node.url("/api/v1/jobs/" + id + "/signals")).json().get("signals");
    assertThat(signals).hasSize(1);
    assertThat(signals.get(0).get("payload").toString()).isEqualTo("{\"by\":\"ada\"}");
  }

  @Test
  void aGateWithATimeoutFailsForGoodWhenNoSignalCame() {
    String id = submit("{\"gate\":1500}");
    JsonNode waiting = awaitStatus(id, "Waiting", Duration.ofSeconds(10));
    assertThat(waiting.get("wake_at")).isNotNull();
    JsonNode failed = awaitStatus(id, "Failed", Duration.ofSeconds(20));
    assertThat(failed.get("error").asString()).contains("no approval in time");
    assertThat(failed.get("failures").asInt()).as("terminal: not retried").isEqualTo(1);
  }

  @Test
  void signalsOfANameAreTakenInOrderEachOnce() {
    String id = submit("{\"twice\":0}");
    awaitStatus(id, "Waiting", Duration.ofSeconds(10));
    assertThat(post(node.url("/api/v1/jobs/" + id + "/signals/step"), JSON, "1").status()).isEqualTo(201);
    assertThat(post(node.url("/api/v1/jobs/" + id + "/signals/step"), JSON, "2").status()).isEqualTo(201);
    JsonNode done = awaitStatus(id, "Completed", Duration.ofSeconds(20));
    assertThat(done.get("output").toString()).isEqualTo("[1,2]");
    JsonNode history = get(node.url("/api/v1/jobs/" + id + "/history")).json();
    assertThat(history.toString()).contains("await_signal");
    Reply replay = post(node.url("/api/v1/jobs/" + id + "/replay"), JSON, "{}");
    assertThat(replay.body()).contains("deterministic");
  }

  @Test
  void aParentSpawnsAndAwaitsItsChildrenAndCancellingItCancelsThem() {
    String parent = submit("{\"fan\":5}");
    JsonNode done = awaitStatus(parent, "Completed", Duration.ofSeconds(60));
    assertThat(done.get("output").toString()).isEqualTo("{\"completed\":5}");
    assertThat(done.get("children")).hasSize(5);
    String child = done.get("children").get(0).asString();
    JsonNode c = job(child);
    assertThat(c.get("parent_id").asString()).isEqualTo(parent);
    assertThat(c.get("detached").asBoolean()).isFalse();
    assertThat(get(node.url("/api/v1/jobs/" + parent + "/children")).json().get("children")).hasSize(5);

    String other = submit("{\"fan\":3}");
    await().atMost(Duration.ofSeconds(20)).until(() -> job(other).path("children").size() == 3);
    assertThat(post(node.url("/api/v1/jobs/" + other + "/cancel"), JSON, "").status()).isEqualTo(200);
    for (JsonNode id : job(other).get("children")) {
      JsonNode k = awaitStatus(id.asString(), "Cancelled", Duration.ofSeconds(10));
      assertThat(k.get("reason").asString()).contains("its parent " + other + " ended");
    }
  }
}
