package io.mvmci.worker;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.NodeProcess;
import io.mvmci.testing.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A node killed with SIGKILL in the middle of a job resumes the run from its journal when it
 * restarts: under the same claim, without repeating the steps it had completed.
 */
class ResumeAfterKillTest {
  @TempDir Path dir;

  @Test
  void aKilledNodeResumesItsRunFromTheJournalWithoutRepeatingCompletedSteps() throws Exception {
    TestNode spec = TestNode.cluster(dir, 1, "").get(0);
    try (CountingServer web = new CountingServer()) {
      String id;
      try (NodeProcess first = NodeProcess.start(spec.config, dir.resolve("first.log"), Map.of())) {
        awaitUp(spec);
        Reply r = post(spec.url("/api/v1/jobs"), "application/json", "{\"workflow\":\"pipeline\",\"input\":"
            + "{\"steps\":[{\"name\":\"a\",\"url\":\"" + web.url("/page/resume-a") + "\"},"
            + "{\"name\":\"b\",\"url\":\"" + web.url("/slow/resume-b") + "\"},"
            + "{\"name\":\"c\",\"url\":\"" + web.url("/page/resume-c") + "\"}]}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        id = r.json().get("job_id").asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> web.hits("/slow/resume-b") == 1);
        assertThat(web.hits("/page/resume-a")).isEqualTo(1);
        first.kill();
      }
      web.release("/slow/resume-b");
      try (NodeProcess second = NodeProcess.start(spec.config, dir.resolve("second.log"), Map.of())) {
        awaitUp(spec);
        await().atMost(Duration.ofSeconds(60)).until(() ->
            get(spec.url("/api/v1/jobs/" + id)).json().get("status").asString().equals("Completed"));
        JsonNode job = get(spec.url("/api/v1/jobs/" + id)).json();
        assertThat(job.get("attempt").asInt()).as("resumed under the claim it held").isEqualTo(1);
        assertThat(job.get("output").get("ok").asBoolean()).isTrue();
        assertThat(web.hits("/page/resume-a")).as("a completed step is replayed, not repeated").isEqualTo(1);
        assertThat(web.hits("/slow/resume-b")).as("an idempotent GET in flight is sent again").isEqualTo(2);
        assertThat(web.hits("/page/resume-c")).isEqualTo(1);
        assertThat(second.output()).contains("resuming job-");
      }
    }
  }

  /**
   * A run resumed from the claim its node held keeps its job's {@code timeout_ms}: the independent
   * test run saw a 30 s job end "timed out after 300 s" after a restart (the resume spec once carried
   * no timeout). The workflow spins forever, so only the timeout ends it.
   */
  @Test
  void aResumedRunKeepsItsJobsTimeout() throws Exception {
    TestNode spec = TestNode.cluster(dir, 1, "").get(0);
    String id;
    try (NodeProcess first = NodeProcess.start(spec.config, dir.resolve("first.log"), Map.of())) {
      awaitUp(spec);
      Reply deployed = post(spec.url("/api/v1/modules/spin"), "application/wasm",
          java.nio.file.Files.readAllBytes(Path.of("workflows/hostile/loop.wasm")),
          "Authorization", "Bearer " + io.mvmci.testing.ClusterConfig.SECRET_API);
      assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
      Reply r = post(spec.url("/api/v1/jobs"), "application/json",
          "{\"workflow\":\"spin\",\"timeout_ms\":8000,\"max_attempts\":1}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      id = r.json().get("job_id").asString();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> get(spec.url("/api/v1/jobs/" + id)).json().get("status").asString().equals("InProgress"));
      first.kill();
    }
    try (NodeProcess second = NodeProcess.start(spec.config, dir.resolve("second.log"), Map.of())) {
      awaitUp(spec);
      JsonNode job = await().atMost(Duration.ofSeconds(60)).until(() -> get(spec.url("/api/v1/jobs/" + id)).json(),
          j -> j.get("status").asString().equals("Failed"));
      assertThat(second.output()).as("resumed from the claim it held").contains("resuming " + id);
      assertThat(job.get("attempt").asInt()).isEqualTo(1);
      assertThat(job.get("error").asString()).contains("timed out after 8 s");
    }
  }

  /**
   * A run that was being resumed when its node died again is not resumed a third time (a run that
   * crashes its node, out of memory say, would crash it at every start): it is quarantined, reported
   * failed as a counted attempt, and retried after the backoff, so max_attempts bounds the loop.
   */
  @Test
  void aRunCutShortWhileBeingResumedIsQuarantinedNotResumedAgain() throws Exception {
    TestNode spec = TestNode.cluster(dir, 1, "").get(0);
    String id;
    try (NodeProcess first = NodeProcess.start(spec.config, dir.resolve("first.log"), Map.of())) {
      awaitUp(spec);
      Reply deployed = post(spec.url("/api/v1/modules/spin"), "application/wasm",
          java.nio.file.Files.readAllBytes(Path.of("workflows/hostile/loop.wasm")),
          "Authorization", "Bearer " + io.mvmci.testing.ClusterConfig.SECRET_API);
      assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
      Reply r = post(spec.url("/api/v1/jobs"), "application/json",
          "{\"workflow\":\"spin\",\"timeout_ms\":600000,\"max_attempts\":3}");
      id = r.json().get("job_id").asString();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> get(spec.url("/api/v1/jobs/" + id)).json().get("status").asString().equals("InProgress"));
      first.kill();
    }
    try (NodeProcess second = NodeProcess.start(spec.config, dir.resolve("second.log"), Map.of())) {
      await().atMost(Duration.ofSeconds(90)).until(() -> second.output().contains("resuming " + id + "/1"));
      second.kill();
    }
    try (NodeProcess third = NodeProcess.start(spec.config, dir.resolve("third.log"), Map.of())) {
      awaitUp(spec);
      JsonNode job = await().atMost(Duration.ofSeconds(60)).until(() -> get(spec.url("/api/v1/jobs/" + id)).json(),
          j -> j.get("failures").asInt() == 1);
      assertThat(third.output()).contains(id + "/1 was being resumed when this worker last stopped without a word;"
          + " quarantined").doesNotContain("resuming " + id + "/1");
      JsonNode events = get(spec.url("/api/v1/jobs/" + id + "/events")).json().get("events");
      assertThat(events.toString()).contains("quarantined: the worker stopped");
      assertThat(job.get("status").asString()).as("retried, as any failed attempt").isIn("Retrying", "InProgress");
    }
  }

  private static void awaitUp(TestNode node) {
    await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
        .until(() -> get(node.url("/queue/stats")).status() == 200);
  }
}
