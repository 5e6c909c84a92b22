package io.mvmci.api;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static io.mvmci.testing.SseClient.about;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.live.JobFeed;
import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.SseClient;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;


/**
 * The live streams over real HTTP on a real node: job changes with filters and resumption after an
 * event id (from the ring, by time, or a resync), a job's log lines followed to its end, the retry
 * endpoint, the jobs page's filters, and streams ended cleanly when the node stops.
 */
class StreamsApiTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String JSON = "application/json";
  static final Duration WAIT = Duration.ofSeconds(20);
  static TestNode node;
  static CountingServer web;

  @BeforeAll
  static void start() throws Exception {
    web = new CountingServer();
    node = TestNode.cluster(dirs.create("mvmci-streams"), 1, "\n[workers]\nembedded = 2\n")
        .get(0).start();
  }

  @AfterAll
  static void stop() {
    node.close();
    web.close();
  }

  static String submit(String body) {
    Reply r = post(node.url("/api/v1/jobs"), JSON, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("job_id").asString();
  }

  /** A pipeline whose second step waits on {@code held} until the test releases it. */
  static String heldPipeline(String held) {
    web.hold(held);
    return submit("{\"workflow\":\"pipeline\",\"input\":{\"steps\":[{\"name\":\"fetch\",\"url\":\""
        + web.url("/fast") + "\"},{\"name\":\"wait\",\"url\":\"" + web.url(held) + "\",\"retries\":0}]}}");
  }

  @Test
  void aSubmittedJobIsStreamedAsItChangesAndFiltersHoldBack() throws Exception {
    try (SseClient all = SseClient.open(node.url("/api/v1/events"));
         SseClient done = SseClient.open(node.url("/api/v1/events?status=Completed,Failed&workflow=noop"))) {
      assertThat(all.status).isEqualTo(200);
      assertThat(all.contentType).startsWith("text/event-stream");
      String id = submit("{\"workflow\":\"noop\"}");
      SseClient.Event first = all.await(about("job", id), WAIT);
      assertThat(first.id()).matches("\\d+-\\d+");
      SseClient.Event finished = all.await(e -> about("job", id).test(e)
          && e.json().get("status").asString().equals("Completed"), WAIT);
      assertThat(finished.json().get("workflow").asString()).isEqualTo("noop");
      SseClient.Event filtered = done.await(about("job", id), WAIT);
      assertThat(filtered.json().get("status").asString()).as("only what the filter takes")
          .isEqualTo("Completed");
    }
    assertThat(get(node.url("/api/v1/events?status=Nope")).status()).isEqualTo(400);
  }

  @Test
  void aStreamResumesAfterItsLastEventFromTheRingByTimeOrWithAResync() throws Exception {
    String firstJob;
    String lastId;
    try (SseClient s = SseClient.open(node.url("/api/v1/events?workflow=noop"))) {
      firstJob = submit("{\"workflow\":\"noop\",\"delay_ms\":600000}");
      lastId = s.await(about("job", firstJob), WAIT).id();
    }
    String missed = submit("{\"workflow\":\"noop\",\"delay_ms\":600000}");
    try (SseClient resumed = SseClient.open(node.url("/api/v1/events?workflow=noop"), "Last-Event-ID", lastId)) {
      assertThat(resumed.await(about("job", missed), WAIT).json().get("status").asString()).isEqualTo("Pending");
    }
    long now = System.currentTimeMillis();
    try (SseClient byTime = SseClient.open(node.url("/api/v1/events?last_event_id=0-" + (now - 60_000)))) {
      // from the ring while it still holds the node's first entries, else a resync (the documented answer
      // to an id older than the ring)
      byTime.await(about("job", firstJob).or(e -> e.event().equals("resync")), WAIT);
    }
  }

  @Test
  void aFollowedLogShowsLinesAsTheyAreWrittenThenTheEnd() throws Exception {
    String id = heldPipeline("/slow/follow");
    try (SseClient logs = SseClient.open(node.url("/api/v1/jobs/" + id + "/logs?follow=true"))) {
      SseClient.Event line = logs.await(e -> e.event().equals("log"), WAIT);
      assertThat(line.json().get("message").asString()).contains("step 1/2 fetch");
      assertThat(line.json().get("job_id").asString()).isEqualTo(id);
      assertThat(Long.parseLong(line.id())).isPositive();
      web.release("/slow/follow");
      logs.await(e -> e.event().equals("log") && e.data().contains("step 2/2 wait"), WAIT);
      SseClient.Event end = logs.await(e -> e.event().equals("end"), WAIT);
      assertThat(end.json().get("status").asString()).isEqualTo("Completed");
      assertThat(logs.awaitEnd(WAIT)).as("the stream ends with the job").isTrue();
      try (SseClient again = SseClient.open(node.url("/api/v1/jobs/" + id + "/logs?follow=true"),
          "Last-Event-ID", line.id())) {
        assertThat(again.await(e -> e.event().equals("log"), WAIT).data()).contains("step 2/2 wait");
        assertThat(again.await(e -> e.event().equals("end"), WAIT).json().get("status").asString())
            .isEqualTo("Completed");
      }
    }
    assertThat(get(node.url("/api/v1/jobs/job-999999/logs?follow=true")).status()).isEqualTo(404);
  }

  @Test
  void aCancelledJobIsRetriedAndAJobNotFinishedIsAConflict() {
    String id = submit("{\"workflow\":\"noop\",\"delay_ms\":600000}");
    assertThat(post(node.url("/api/v1/jobs/" + id + "/retry"), JSON, "").status()).as("still pending").isEqualTo(409);
    assertThat(post(node.url("/api/v1/jobs/" + id + "/cancel"), JSON, "").status()).isEqualTo(200);
    Reply retried = post(node.url("/api/v1/jobs/" + id + "/retry"), JSON, "");
    assertThat(retried.status()).as(retried.body()).isEqualTo(200);
    assertThat(retried.json().get("execution").asInt()).as("a fresh execution").isEqualTo(2);
    JsonNode events = get(node.url("/api/v1/jobs/" + id + "/events")).json().get("events");
    assertThat(events.get(2).get("status").asString()).isEqualTo("Pending");
    assertThat(events.get(2).get("reason").asString()).isEqualTo(
        "retried by the API (was Cancelled); waiting for a worker");
    await().atMost(WAIT).until(() -> get(node.url("/api/v1/jobs/" + id)).json().get("status").asString()
        .equals("Completed"));
    Reply problem = post(node.url("/api/v1/jobs/" + id + "/retry"), JSON, "");
    assertThat(problem.status()).isEqualTo(409);
    assertThat(problem.header("Content-Type")).startsWith("application/problem+json");
    assertThat(post(node.url("/api/v1/jobs/job-999999/retry"), JSON, "").status()).isEqualTo(404);
  }

  @Test
  void theJobsPageFiltersByWorkflowAndStatusNewestFirst() {
    String a = submit("{\"workflow\":\"echo\",\"delay_ms\":600000}");
    String b = submit("{\"workflow\":\"echo\",\"delay_ms\":600000}");
    JsonNode page = get(node.url("/api/v1/jobs?workflow=echo&status=Pending&order=desc&limit=1")).json();
    assertThat(page.get("jobs").get(0).get("job_id").asString()).isEqualTo(b);
    JsonNode next = get(node.url("/api/v1/jobs?workflow=echo&status=Pending&order=desc&limit=1&cursor="
        + page.get("next_cursor").asString())).json();
    assertThat(next.get("jobs").get(0).get("job_id").asString()).isEqualTo(a);
    assertThat(get(node.url("/api/v1/jobs?job=" + a)).json().get("jobs")).hasSize(1);
    assertThat(get(node.url("/api/v1/jobs?order=sideways")).status()).isEqualTo(400);
  }

  @Test
  void streamsEndWhenTheirNodeStops() throws Exception {
    TestNode other = TestNode.cluster(dirs.create("mvmci-streams-stop"), 1,
        "\n[workers]\nembedded = 0\n").get(0).start();
    try (SseClient s = SseClient.open(other.url("/api/v1/events"))) {
      await().atMost(WAIT).until(() -> other.bean(JobFeed.class).listeners() == 1);
      long began = System.nanoTime();
      other.stop();
      assertThat(s.awaitEnd(Duration.ofSeconds(10))).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
    } finally {
      other.close();
    }
  }
}
