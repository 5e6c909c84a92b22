package io.mvmci.api;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.deploy.ModuleDeployer;
import io.mvmci.testing.Http;
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
 * {@code /api/v1/schedules} on one real node with embedded workers: validation (every bad field a 400
 * problem+json naming it, nothing written), create, replace, list, read, pause, resume, trigger and
 * delete; a per-second schedule firing jobs under its keys; and the overlap policies against a workflow
 * that outlasts the period ({@code workflows/testing/waits}, a 3 s sleep).
 */
class SchedulesApiTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String JSON = "application/json";
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.cluster(dirs.create("mvmci-schedules"), 1, "\n[workers]\nembedded = 4\n").get(0).start();
    node.bean(ModuleDeployer.class).deploy("waits", Files.readAllBytes(Path.of("workflows/testing/waits/waits.wasm")));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static String url(String path) {
    return node.url("/api/v1/schedules" + path);
  }

  static Reply create(String body) {
    return post(url(""), JSON, body);
  }

  static JsonNode schedule(String id) {
    Reply r = get(url("/" + id + "?fires=100"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  static JsonNode job(String id) {
    return get(node.url("/api/v1/jobs/" + id)).json();
  }

  static List<JsonNode> fires(String id, String outcome) {
    List<JsonNode> out = new ArrayList<>();
    schedule(id).get("recent_fires").forEach(f -> {
      if (outcome == null || f.get("outcome").asString().equals(outcome)) {
        out.add(f);
      }
    });
    return out;
  }

  static void assertProblem(Reply r, String field, String detail) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    JsonNode p = r.json();
    assertThat(p.path("field").asString(null)).as(r.body()).isEqualTo(field);
    assertThat(p.get("detail").asString()).contains(detail);
  }

  @Test
  void badSchedulesAreRefusedNamingTheFieldAndWriteNothing() {
    String job = "\"job\":{\"workflow\":\"noop\"}";
    assertProblem(create("{\"id\":\"a\",\"cron\":\"every day\"," + job + "}"), "cron", "six fields");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 25 * * *\"," + job + "}"), "cron", "not valid");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 0 30 2 *\"," + job + "}"), "cron", "never fires");
    assertProblem(create("{\"id\":\"a\"," + job + "}"), "cron", "cron is required");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 2 * * *\",\"time_zone\":\"Europe/Atlantis\"," + job + "}"),
        "time_zone", "Europe/Atlantis");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 2 * * *\",\"overlap\":\"sometimes\"," + job + "}"), "overlap",
        "skip, queue or allow");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 2 * * *\",\"catch_up\":\"all\"," + job + "}"), "catch_up",
        "none or last");
    assertProblem(create("{\"id\":\"Nightly Build\",\"cron\":\"0 0 2 * * *\"," + job + "}"), "id", "lower-case");
    assertProblem(create("{\"cron\":\"0 0 2 * * *\"," + job + "}"), "id", "id is required");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 2 * * *\"}"), "job", "job is required");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 2 * * *\",\"job\":{\"workflow\":\"nope\"}}"), "job.workflow",
        "no workflow module named \"nope\"");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 2 * * *\",\"job\":{}}"), "job.url", "url is required");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 2 * * *\",\"job\":{\"url\":\"ftp://x\"}}"), "job.url", "http");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 2 * * *\",\"job\":{\"workflow\":\"noop\",\"delay_ms\":5}}"),
        "job.delay_ms", "each fire time");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 2 * * *\",\"job\":{\"workflow\":\"noop\",\"max_attemps\":5}}"),
        "job.max_attemps", "unknown field");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 2 * * *\",\"job\":{\"workflow\":\"noop\",\"input\":[1]}}"),
        "job.input", "JSON object");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 2 * * *\",\"job\":{\"workflow\":\"noop\",\"max_attempts\":0}}"),
        "job.max_attempts", "between 1");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 2 * * *\",\"job\":\"noop\"}"), "job", "JSON object");
    assertProblem(create("{\"id\":\"a\",\"cron\":\"0 0 2 * * *\",\"paused\":\"yes\"," + job + "}"), "paused", "true or false");
    assertProblem(create("{\"id\":\"a\",\"cron\":5," + job + "}"), "cron", "must be a string");
    assertProblem(create("{\"id\":\"a\",\"schedule\":\"0 0 2 * * *\"," + job + "}"), "schedule", "unknown field");
    assertProblem(create("{nope"), null, "not valid JSON");
    assertProblem(Http.put(url("/b"), JSON, "{\"id\":\"c\",\"cron\":\"0 0 2 * * *\"," + job + "}"), "id", "not the URL's");
    assertThat(post(url(""), "text/plain", "{}").status()).isEqualTo(415);
    assertThat(get(url("/a")).status()).as("nothing written").isEqualTo(404);
    assertThat(get(url("/b")).status()).isEqualTo(404);
  }

  @Test
  void createReplaceListReadPauseResumeAndDelete() {
    Reply created = create("""
        {"id":"nightly","cron":"0 0 2 * * *","time_zone":"Europe/Paris",
         "job":{"workflow":"noop","input":{"deep":true},"priority":5},"overlap":"queue","catch_up":"last"}""");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.header("Location")).isEqualTo("/api/v1/schedules/nightly");
    JsonNode s = created.json();
    assertThat(s.get("cron").asString()).isEqualTo("0 0 2 * * *");
    assertThat(s.get("time_zone").asString()).isEqualTo("Europe/Paris");
    assertThat(s.get("overlap").asString()).isEqualTo("queue");
    assertThat(s.get("catch_up").asString()).isEqualTo("last");
    assertThat(s.get("job").get("input").toString()).isEqualTo("{\"deep\":true}");
    assertThat(s.get("job").get("priority").asInt()).isEqualTo(5);
    assertThat(s.get("job").get("max_attempts").asInt()).as("the node's default, filled in").isEqualTo(3);
    Instant next = Instant.parse(s.get("next_fire_at").asString());
    assertThat(next.atZone(java.time.ZoneId.of("Europe/Paris")).getHour()).isEqualTo(2);
    assertThat(s.get("revision").asLong()).isEqualTo(1);
    assertThat(s.has("last_fire_at")).isFalse();

    Reply again = create("{\"id\":\"nightly\",\"cron\":\"@hourly\",\"job\":{\"workflow\":\"noop\"}}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("type").asString()).isEqualTo("urn:mvmci:problem:schedule-conflict");

    Reply replaced = Http.put(url("/nightly"), JSON, "{\"cron\":\"30 3 * * *\",\"job\":{\"workflow\":\"noop\"}}");
    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
    assertThat(replaced.json().get("revision").asLong()).isEqualTo(2);
    assertThat(replaced.json().get("time_zone").asString()).as("the default zone").isEqualTo("UTC");
    assertThat(replaced.json().get("overlap").asString()).as("the default policy").isEqualTo("skip");
    assertThat(Instant.parse(replaced.json().get("next_fire_at").asString()).toString()).contains("T03:30:00Z");
    assertThat(Http.put(url("/weekly"), JSON, "{\"cron\":\"@weekly\",\"job\":{\"workflow\":\"noop\"},\"paused\":true}")
        .status()).isEqualTo(201);

    JsonNode list = get(url("")).json();
    assertThat(list.get("schedules")).extracting(n -> n.get("id").asString()).containsExactly("nightly", "weekly");
    assertThat(list.get("schedules").get(1).get("paused").asBoolean()).isTrue();
    assertThat(list.get("schedules").get(1).has("next_fire_at")).isFalse();
    assertThat(get(url("?consistency=local")).header("Mvmci-Consistency")).isEqualTo("local");

    JsonNode paused = post(url("/nightly/pause"), JSON, "").json();
    assertThat(paused.get("paused").asBoolean()).isTrue();
    assertThat(paused.has("next_fire_at")).isFalse();
    JsonNode resumed = post(url("/nightly/resume"), JSON, "").json();
    assertThat(resumed.get("paused").asBoolean()).isFalse();
    assertThat(resumed.get("next_fire_at").asString()).contains("T03:30:00Z");

    assertThat(Http.delete(url("/nightly")).status()).isEqualTo(204);
    assertThat(Http.delete(url("/nightly")).status()).isEqualTo(404);
    Reply gone = get(url("/nightly"));
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.header("Content-Type")).startsWith("application/problem+json");
    assertThat(post(url("/nightly/trigger"), JSON, "").status()).isEqualTo(404);
    assertThat(post(url("/nightly/pause"), JSON, "").status()).isEqualTo(404);
    assertThat(get(url("/weekly?fires=1000")).status()).isEqualTo(400);
    assertThat(Http.delete(url("/weekly")).status()).isEqualTo(204);
  }

  @Test
  void aPerSecondScheduleSubmitsJobsUnderItsKeysAndATriggerFiresNow() {
    assertThat(create("{\"id\":\"tick\",\"cron\":\"*/1 * * * * *\",\"job\":{\"workflow\":\"noop\"},\"overlap\":\"allow\"}")
        .status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(20)).until(() -> fires("tick", "submitted").size() >= 3);
    assertThat(Http.delete(url("/tick")).status()).isEqualTo(204);

    List<JsonNode> submitted = new ArrayList<>();
    // the jobs outlive their schedule; their keys name it and the fire time
    List<Long> times = new ArrayList<>();
    JsonNode page = get(node.url("/api/v1/jobs?workflow=noop&limit=1000")).json();
    page.get("jobs").forEach(j -> {
      String key = j.path("idempotency_key").asString("");
      if (key.startsWith("schedule:tick:")) {
        submitted.add(j);
        times.add(Instant.parse(key.substring("schedule:tick:".length())).toEpochMilli());
      }
    });
    assertThat(submitted.size()).isGreaterThanOrEqualTo(3);
    assertThat(times).as("one job per fire time, each a whole second").doesNotHaveDuplicates()
        .allMatch(t -> t % 1000 == 0);
    for (JsonNode j : submitted) {
      await().atMost(Duration.ofSeconds(20)).until(() -> job(j.get("job_id").asString()).get("status").asString()
          .equals("Completed"));
    }

    assertThat(create("{\"id\":\"manual\",\"cron\":\"0 0 0 1 1 *\",\"job\":{\"workflow\":\"noop\"}}").status())
        .isEqualTo(201);
    String before = schedule("manual").get("next_fire_at").asString();
    Reply triggered = post(url("/manual/trigger"), JSON, "");
    assertThat(triggered.status()).as(triggered.body()).isEqualTo(200);
    assertThat(triggered.json().get("outcome").asString()).isEqualTo("submitted");
    String jobId = triggered.json().get("job_id").asString();
    assertThat(job(jobId).get("idempotency_key").asString()).startsWith("schedule:manual:manual:");
    JsonNode after = schedule("manual");
    assertThat(after.get("next_fire_at").asString()).as("a trigger does not move the schedule").isEqualTo(before);
    assertThat(after.get("last_job_id").asString()).isEqualTo(jobId);
    JsonNode fire = after.get("recent_fires").get(0);
    assertThat(fire.get("kind").asString()).isEqualTo("manual");
    assertThat(fire.get("job_id").asString()).isEqualTo(jobId);
    assertThat(fire.get("idempotency_key").asString()).isEqualTo(job(jobId).get("idempotency_key").asString());
    assertThat(Http.delete(url("/manual")).status()).isEqualTo(204);

    String metrics = get(node.url("/actuator/prometheus")).body();
    assertThat(metrics).contains("mvmci_schedule_fires_total{outcome=\"submitted\"}")
        .contains("mvmci_schedule_fires_total{outcome=\"skipped\"}").contains("mvmci_schedule_fire_lateness_seconds_count");
  }

  @Test
  void skipPassesOverFiresWhileTheLastJobRuns() {
    assertThat(create("{\"id\":\"slow-skip\",\"cron\":\"*/1 * * * * *\",\"job\":{\"workflow\":\"waits\","
        + "\"input\":{\"sleep\":3000}},\"overlap\":\"skip\"}").status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(30)).until(() -> fires("slow-skip", "submitted").size() >= 2
        && fires("slow-skip", "skipped").size() >= 2);
    assertThat(Http.delete(url("/slow-skip")).status()).isEqualTo(204);
    List<String> jobs = new ArrayList<>();
    // the history was deleted with the schedule: read the jobs' own times instead
    JsonNode page = get(node.url("/api/v1/jobs?workflow=waits&limit=1000")).json();
    page.get("jobs").forEach(j -> {
      if (j.path("idempotency_key").asString("").startsWith("schedule:slow-skip:")) {
        jobs.add(j.get("job_id").asString());
      }
    });
    assertThat(jobs).hasSizeGreaterThanOrEqualTo(2);
    List<long[]> spans = new ArrayList<>();
    for (String id : jobs) {
      JsonNode done = await().atMost(Duration.ofSeconds(30)).until(() -> job(id),
          j -> j.get("status").asString().equals("Completed"));
      spans.add(new long[] {Instant.parse(done.get("created_at").asString()).toEpochMilli(),
          Instant.parse(done.get("finished_at").asString()).toEpochMilli()});
    }
    spans.sort((a, b) -> Long.compare(a[0], b[0]));
    for (int i = 1; i < spans.size(); i++) {
      assertThat(spans.get(i)[0]).as("each job submitted after the one before finished").isGreaterThanOrEqualTo(spans.get(i - 1)[1]);
    }
  }

  @Test
  void queueRunsEachJobAfterThePreviousOneFinishes() {
    assertThat(create("{\"id\":\"slow-queue\",\"cron\":\"*/2 * * * * *\",\"job\":{\"workflow\":\"waits\","
        + "\"input\":{\"sleep\":3000}},\"overlap\":\"queue\"}").status()).isEqualTo(201);
    JsonNode queuedFire = await().atMost(Duration.ofSeconds(30)).until(
        () -> fires("slow-queue", "queued").stream().findFirst().orElse(null), f -> f != null);
    String queued = queuedFire.get("job_id").asString();
    JsonNode waiting = job(queued);
    assertThat(waiting.get("status").asString()).isEqualTo("Waiting");
    String before = waiting.get("waiting_for").asString().substring("job:".length());
    assertThat(waiting.get("reason").asString()).isEqualTo("submitted; waiting for " + before + " to finish");
    assertThat(Http.delete(url("/slow-queue")).status()).isEqualTo(204);

    JsonNode first = await().atMost(Duration.ofSeconds(30)).until(() -> job(before),
        j -> j.get("status").asString().equals("Completed"));
    JsonNode second = await().atMost(Duration.ofSeconds(30)).until(() -> job(queued),
        j -> j.get("status").asString().equals("Completed"));
    assertThat(Instant.parse(second.get("started_at").asString()))
        .as("the queued job started after its predecessor finished")
        .isAfterOrEqualTo(Instant.parse(first.get("finished_at").asString()));
    JsonNode events = get(node.url("/api/v1/jobs/" + queued + "/events")).json().get("events");
    assertThat(events.toString()).contains("woken: " + before + " finished");
  }

  /**
   * The README's nightly example as written there (workflows/nightly, shipped in the jar): a 03:00
   * Paris schedule that skips overlaps and catches up the last missed night, run now with trigger; the
   * job checks a URL and posts its summary.
   */
  @Test
  void theReadmesNightlyScheduleRunsTheNightlyWorkflow() {
    try (io.mvmci.testing.CountingServer web = new io.mvmci.testing.CountingServer()
        .fallback(io.mvmci.testing.CountingServer.HELLO)) {
      Reply created = create("{\"id\":\"nightly-checks\",\"cron\":\"0 3 * * *\",\"time_zone\":\"Europe/Paris\","
          + "\"job\":{\"workflow\":\"nightly\",\"input\":{\"checks\":[{\"name\":\"api\",\"url\":\""
          + web.url("/health") + "\"},{\"name\":\"down\",\"url\":\"" + web.url("/status/503") + "\"}],"
          + "\"report_url\":\"" + web.url("/report") + "\"}},\"overlap\":\"skip\",\"catch_up\":\"last\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      assertThat(Instant.parse(created.json().get("next_fire_at").asString()).atZone(java.time.ZoneId.of("Europe/Paris"))
          .toLocalTime()).isEqualTo(java.time.LocalTime.of(3, 0));

      Reply fired = post(url("/nightly-checks/trigger"), JSON, "");
      assertThat(fired.status()).as(fired.body()).isEqualTo(200);
      assertThat(fired.json().get("outcome").asString()).isEqualTo("submitted");
      String id = fired.json().get("job_id").asString();
      JsonNode done = await().atMost(Duration.ofSeconds(60)).until(() -> job(id),
          j -> List.of("Completed", "Failed").contains(j.get("status").asString()));
      assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("Completed");
      assertThat(done.get("idempotency_key").asString()).startsWith("schedule:nightly-checks:manual:");
      JsonNode out = done.get("output");
      assertThat(out.get("ok").asInt()).isEqualTo(1);
      assertThat(out.get("failed").asInt()).isEqualTo(1);
      assertThat(out.get("checks").get(1).get("status").asInt()).isEqualTo(503);
      assertThat(web.hits("/report")).isEqualTo(1);
      assertThat(web.lastRequest("/report").body()).contains("\"checks\"");
      assertThat(Http.delete(url("/nightly-checks")).status()).isEqualTo(204);
    }
  }
}
