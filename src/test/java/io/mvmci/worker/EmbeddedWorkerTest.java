package io.mvmci.worker;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import io.mvmci.deploy.ModuleDeployer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** One real node with its embedded worker pool, running real workflows against a real HTTP server. */
class EmbeddedWorkerTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String JSON = "application/json";
  static Path dir;
  static TestNode node;
  static CountingServer web;

  @BeforeAll
  static void start() throws Exception {
    dir = dirs.create("mvmci-worker");
    web = new CountingServer();
    node = TestNode.cluster(dir, 1, "").get(0).start();
    ModuleDeployer modules = node.bean(ModuleDeployer.class);
    for (String hostile : List.of("trap", "loop", "membomb", "recursion", "oob")) {
      modules.deploy(hostile, Files.readAllBytes(Path.of("workflows/hostile/" + hostile + ".wasm")));
    }
  }

  @AfterAll
  static void stop() {
    node.close();
    web.close();
  }

  static JsonNode job(String id) {
    return get(node.url("/api/v1/jobs/" + id)).json();
  }

  static String status(String id) {
    return job(id).get("status").asString();
  }

  static String submit(String body) {
    Reply r = post(node.url("/api/v1/jobs"), JSON, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("job_id").asString();
  }

  @Test
  void crawlerJobsGoFromPendingToCompletedAndFetchEachPageOnce() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Reply r = post(node.url("/new-job"), "application/x-www-form-urlencoded",
          "url=" + web.url("/page/" + i));
      assertThat(r.status()).isEqualTo(201);
      ids.add(r.json().get("job_id").asString());
    }
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> ids.stream().allMatch(id -> status(id).equals("Completed")));
    for (int i = 0; i < 12; i++) {
      assertThat(web.hits("/page/" + i)).as("requests for page %d", i).isEqualTo(1);
      JsonNode j = job(ids.get(i));
      assertThat(j.get("output").get("title").asString()).isEqualTo("/page/" + i);
      assertThat(j.get("output").get("status").asInt()).isEqualTo(200);
      assertThat(j.get("attempt").asInt()).isEqualTo(1);
      assertThat(j.get("progress").asInt()).isEqualTo(100);
      assertThat(j.get("worker_id").asString()).isEqualTo("node-1");
    }
    JsonNode events = get(node.url("/api/v1/jobs/" + ids.get(0) + "/events")).json().get("events");
    List<String> statuses = new ArrayList<>();
    events.forEach(e -> statuses.add(e.get("status").asString()));
    assertThat(statuses).containsExactly("Pending", "InProgress", "Completed");
  }

  @Test
  void cancellingARunningJobInterruptsItsRunAndFreesTheWorker() {
    String id = submit("{\"url\":\"" + web.url("/slow/cancel-me") + "\",\"max_attempts\":1}");
    await().atMost(Duration.ofSeconds(20)).until(() -> web.hits("/slow/cancel-me") == 1);
    assertThat(status(id)).isEqualTo("InProgress");

    Reply cancelled = post(node.url("/api/v1/jobs/" + id + "/cancel"), null, "");
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().get("status").asString()).isEqualTo("Cancelled");
    assertThat(cancelled.json().get("reason").asString()).isEqualTo("cancelled by the API while InProgress");
    WorkerAgent agent = node.bean(WorkerAgent.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> agent.running() == 0);

    Reply again = post(node.url("/api/v1/jobs/" + id + "/cancel"), null, "");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("detail").asString()).contains("already Cancelled");
    assertThat(post(node.url("/api/v1/jobs/job-424242/cancel"), null, "").status()).isEqualTo(404);
    assertThat(web.hits("/slow/cancel-me")).isEqualTo(1);
  }

  @Test
  void hostileWorkflowsFailWithAReadableReasonAndTheNodeStaysHealthy() {
    record Case(String workflow, String reasonPart) {}
    List<Case> cases = List.of(
        new Case("trap", "trap"),
        new Case("oob", "out of bounds"),
        new Case("loop", "timed out"),
        new Case("membomb", "memory.grow refused"),
        new Case("recursion", "stack"));
    List<String> ids = new ArrayList<>();
    for (Case c : cases) {
      ids.add(submit("{\"workflow\":\"" + c.workflow() + "\",\"max_attempts\":1,\"timeout_ms\":2000}"));
    }
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> ids.stream().allMatch(id -> status(id).equals("Failed")));
    for (int i = 0; i < cases.size(); i++) {
      JsonNode j = job(ids.get(i));
      assertThat(j.get("error").asString()).as(cases.get(i).workflow())
          .containsIgnoringCase(cases.get(i).reasonPart());
      assertThat(j.get("reason").asString()).isNotBlank();
    }
    String ok = submit("{\"url\":\"" + web.url("/page/after-hostile") + "\"}");
    await().atMost(Duration.ofSeconds(30)).until(() -> status(ok).equals("Completed"));
    assertThat(get(node.url("/actuator/health")).status()).isEqualTo(200);
  }

  @Test
  void unknownWorkflowsAreRefusedAtSubmission() {
    Reply r = post(node.url("/api/v1/jobs"), JSON, "{\"workflow\":\"nope\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("detail").asString()).contains("no workflow module named \"nope\"");
  }

  @Test
  void aLongPollOnAJobAnswersOnceItFinishes() {
    String id = submit("{\"url\":\"" + web.url("/slow/long-poll") + "\"}");
    long t0 = System.nanoTime();
    JsonNode early = get(node.url("/api/v1/jobs/" + id + "?wait_ms=600")).json();
    long waited = (System.nanoTime() - t0) / 1_000_000;
    assertThat(early.get("status").asString()).as("not finished: the wait ran out").isNotEqualTo("Completed");
    assertThat(waited).as("it waited for the time asked").isGreaterThanOrEqualTo(500);
    web.release("/slow/long-poll");
    JsonNode done = get(node.url("/api/v1/jobs/" + id + "?wait_ms=30000")).json();
    assertThat(done.get("status").asString()).isEqualTo("Completed");
    assertThat(get(node.url("/api/v1/jobs/" + id + "?wait_ms=nope")).status()).isEqualTo(400);
    assertThat(get(node.url("/api/v1/jobs/" + id + "?wait_ms=600000")).status()).isEqualTo(400);
  }

  /**
   * {@code POST /jobs?wait_ms=}: the submission's answer waits for the outcome (as Restate's ingress
   * call does), or for the time asked and then carries the job as it stands; a bad {@code wait_ms} is
   * a 400 that writes nothing, and a repeated Idempotency-Key waits for the same job.
   */
  @Test
  void aSubmissionThatWaitsAnswersWithTheOutcome() {
    String slow = "{\"url\":\"" + web.url("/slow/submit-wait") + "\"}";
    long t0 = System.nanoTime();
    Reply early = post(node.url("/api/v1/jobs?wait_ms=600"), JSON, slow.getBytes(StandardCharsets.UTF_8),
        "Idempotency-Key", "submit-wait-1");
    long waited = (System.nanoTime() - t0) / 1_000_000;
    assertThat(early.status()).as(early.body()).isEqualTo(201);
    assertThat(early.json().get("status").asString()).as("not finished: the wait ran out").isNotEqualTo("Completed");
    assertThat(waited).as("it waited for the time asked").isGreaterThanOrEqualTo(500);
    String id = early.json().get("job_id").asString();
    assertThat(early.raw().headers().firstValue("Location")).hasValue("/api/v1/jobs/" + id);

    web.release("/slow/submit-wait");
    Reply again = post(node.url("/api/v1/jobs?wait_ms=30000"), JSON, slow.getBytes(StandardCharsets.UTF_8),
        "Idempotency-Key", "submit-wait-1");
    assertThat(again.status()).as("a repeat of the key: the same job, finished").isEqualTo(200);
    assertThat(again.json().get("job_id").asString()).isEqualTo(id);
    assertThat(again.json().get("status").asString()).isEqualTo("Completed");

    Reply done = post(node.url("/api/v1/jobs?wait_ms=30000"), JSON,
        "{\"url\":\"" + web.url("/page/submit-wait") + "\"}");
    assertThat(done.status()).as(done.body()).isEqualTo(201);
    assertThat(done.json().get("status").asString()).isEqualTo("Completed");
    assertThat(done.json().get("output").get("title").asString()).isEqualTo("/page/submit-wait");

    long total = get(node.url("/api/v1/stats")).json().get("total").asLong();
    for (String bad : List.of("nope", "-1", "600000")) {
      Reply r = post(node.url("/api/v1/jobs?wait_ms=" + bad), JSON, "{\"url\":\"" + web.url("/page/never") + "\"}");
      assertThat(r.status()).as("wait_ms=%s", bad).isEqualTo(400);
      assertThat(r.json().get("detail").asString()).contains("wait_ms");
    }
    assertThat(get(node.url("/api/v1/stats")).json().get("total").asLong()).as("a refused wait wrote no job")
        .isEqualTo(total);
  }

  /**
   * A long poll reads linearizably once, before it waits: the read after this node applied the
   * outcome is of its own copy, which is then past that first barrier, so a second ReadIndex round
   * trip would only delay the answer. The finished job is what it answers.
   */
  @Test
  void aLongPollThatWaitedAnswersWithoutASecondReadBarrier() throws Exception {
    String id = submit("{\"url\":\"" + web.url("/slow/one-barrier") + "\"}");
    io.mvmci.replication.RaftNode raft = node.bean(io.mvmci.replication.RaftNode.class);
    long before = raft.readBarriersRequested();
    var answer = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> get(node.url("/api/v1/jobs/" + id + "?wait_ms=30000")).json());
    await().atMost(Duration.ofSeconds(30)).until(() -> raft.readBarriersRequested() > before);
    assertThat(answer).as("the job has not finished: the poll waits").isNotDone();
    web.release("/slow/one-barrier");
    JsonNode done = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(done.get("status").asString()).isEqualTo("Completed");
    assertThat(done.get("output").get("title").asString()).isEqualTo("/slow/one-barrier");
    assertThat(raft.readBarriersRequested() - before).as("read barriers the long poll asked for").isEqualTo(1);
  }

  /**
   * An eager start: on an idle node (its worker waits holding none of its slots) a submission carries
   * a claim by the node's worker, so the job is InProgress from the entry that added it: started as
   * the leader appended it, with no claim entry of its own. Once every slot is busy, submissions go
   * on alone and the claim loop takes them.
   */
  @Test
  void aSubmissionToAnIdleNodeStartsInTheEntryThatAddsIt() {
    WorkerAgent worker = node.bean(WorkerAgent.class);
    await().atMost(Duration.ofSeconds(30)).until(() -> worker.running() == 0);
    long before = worker.eagerStarts();
    String id = submit("{\"url\":\"" + web.url("/page/eager") + "\"}");
    JsonNode done = get(node.url("/api/v1/jobs/" + id + "?wait_ms=30000")).json();
    assertThat(done.get("status").asString()).isEqualTo("Completed");
    assertThat(worker.eagerStarts() - before).as("jobs started eagerly").isEqualTo(1);
    assertThat(java.time.Duration.between(java.time.Instant.parse(done.get("created_at").asString()),
        java.time.Instant.parse(done.get("started_at").asString())))
        .as("claimed in the submission's entry, stamped when the leader took it").isBetween(Duration.ZERO,
            Duration.ofSeconds(5));
    assertThat(done.get("worker_id").asString()).isEqualTo("node-1");
    assertThat(web.hits("/page/eager")).isEqualTo(1);

    List<String> many = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      many.add(submit("{\"url\":\"" + web.url("/page/eager-" + i) + "\"}"));
    }
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> many.stream().allMatch(h -> status(h).equals("Completed")));
    for (int i = 0; i < 12; i++) {
      assertThat(web.hits("/page/eager-" + i)).as("eager-%d ran once", i).isEqualTo(1);
      assertThat(job(many.get(i)).get("attempt").asInt()).isEqualTo(1);
    }
  }
}
