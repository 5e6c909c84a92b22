package io.mvmci;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The client commands against a real node, run as {@code mvm-ci} runs them (in this JVM): what they
 * print for people and with {@code --json}, the progress bar of {@code jobs submit --wait}, following
 * logs, and the exit statuses scripts rely on.
 */
class ClientCommandLineTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static TestNode node;
  static CountingServer web;

  @BeforeAll
  static void start() throws Exception {
    web = new CountingServer();
    node = TestNode.cluster(dirs.create("mvmci-cli"), 1, "\n[workers]\nembedded = 2\n").get(0).start();
  }

  @AfterAll
  static void stop() {
    node.close();
    web.close();
  }

  record Run(int status, String out, String err) {
    JsonNode json() {
      return Http.JSON.readTree(out);
    }
  }

  static Run run(String... args) {
    return runWith(Map.of(), args);
  }

  static Run runWith(Map<String, String> extraEnv, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>(Map.of("MVMCI_URL", node.url("")));
    env.putAll(extraEnv);
    int status = MvmCiCommand.execute(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void submitWaitDrawsAProgressBarAndExitsWithTheOutcome() {
    Run ok = run("jobs", "submit", "--workflow", "pipeline", "--input",
        "{\"steps\":[{\"name\":\"a\",\"url\":\"" + web.url("/a") + "\"},{\"name\":\"b\",\"url\":\"" + web.url("/b") + "\"}]}",
        "--wait", "--json");
    assertThat(ok.status()).as(ok.err()).isZero();
    assertThat(ok.json().get("status").asString()).isEqualTo("Completed");
    assertThat(ok.err()).contains("[##############################] 100% Completed");

    Run failed = run("jobs", "submit", "--workflow", "pipeline", "--max-attempts", "1", "--input",
        "{\"steps\":[{\"name\":\"a\",\"url\":\"http://127.0.0.1:1/\",\"retries\":0}]}", "--wait");
    assertThat(failed.status()).as(failed.err()).isEqualTo(1);
    assertThat(failed.out()).contains("status").contains("Failed");

    Run plain = run("jobs", "submit", "https://example.com/", "--delay-ms", "600000");
    assertThat(plain.status()).isZero();
    assertThat(plain.out().strip()).matches("job-\\d+");
  }

  @Test
  void submitTakesLabelsAndAConcurrencyGroup() {
    Run r = run("jobs", "submit", "--workflow", "noop", "--delay-ms", "600000", "--labels", "gpu,arm64",
        "--concurrency-key", "deploy-prod", "--concurrency-limit", "2", "--concurrency-policy", "skip", "--json");
    assertThat(r.status()).as(r.err()).isZero();
    JsonNode job = r.json();
    assertThat(job.get("labels").toString()).isEqualTo("[\"gpu\",\"arm64\"]");
    assertThat(job.get("concurrency_key").asString()).isEqualTo("deploy-prod");
    assertThat(job.get("concurrency_limit").asInt()).isEqualTo(2);
    assertThat(job.get("concurrency_policy").asString()).isEqualTo("skip");
    assertThat(run("jobs", "cancel", job.get("job_id").asString()).status()).isZero();
    Run bad = run("jobs", "submit", "--workflow", "noop", "--labels", "GPU!");
    assertThat(bad.status()).as("a label the node refuses").isEqualTo(65);
    assertThat(bad.err()).contains("label");
  }

  @Test
  void listGetCancelAndRetryWithTheirExitStatuses() {
    String id = run("jobs", "submit", "--workflow", "noop", "--delay-ms", "600000").out().strip();
    Run table = run("jobs", "list", "--limit", "5");
    assertThat(table.out()).startsWith("JOB").contains(id).contains("Pending");
    JsonNode page = run("jobs", "list", "--json", "--status", "Pending").json();
    assertThat(page.get("jobs").get(0).get("job_id").asString()).isEqualTo(id);
    assertThat(run("jobs", "get", id).out()).contains("status").contains("Pending");

    assertThat(run("jobs", "retry", id).status()).as("not finished").isEqualTo(4);
    assertThat(run("jobs", "cancel", id).status()).isZero();
    Run again = run("jobs", "cancel", id);
    assertThat(again.status()).isEqualTo(4);
    assertThat(again.err()).startsWith("mvm-ci: ").contains("already Cancelled").contains("409");
    Run retried = run("jobs", "retry", id, "--json");
    assertThat(retried.status()).isZero();
    assertThat(retried.json().get("execution").asInt()).isEqualTo(2);

    assertThat(run("jobs", "get", "job-999999").status()).isEqualTo(3);
    assertThat(run("jobs", "list", "--status", "Sideways").status()).isEqualTo(65);
    assertThat(run("jobs", "list", "--url", "http://127.0.0.1:1").status()).isEqualTo(69);
    assertThat(run("jobs", "frobnicate").status()).isEqualTo(2);
  }

  @Test
  void logsFollowPrintsLinesAsTheyComeUntilTheJobEnds() throws Exception {
    web.hold("/slow/cli");
    String id = run("jobs", "submit", "--workflow", "pipeline", "--input", "{\"steps\":[{\"name\":\"first\",\"url\":\""
        + web.url("/first") + "\"},{\"name\":\"held\",\"url\":\"" + web.url("/slow/cli") + "\",\"retries\":0}]}").out().strip();
    CompletableFuture<Run> follow = CompletableFuture.supplyAsync(() -> run("jobs", "logs", id, "--follow"));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
        .until(() -> run("jobs", "logs", id).out().contains("step 1/2 first"));
    assertThat(follow).isNotDone();
    web.release("/slow/cli");
    Run done = follow.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(done.status()).isZero();
    assertThat(done.out()).contains("INFO step 1/2 first: HTTP 200").contains("step 2/2 held: HTTP 200");
  }

  @Test
  void clusterStatusAndModuleDeploy() throws Exception {
    Run status = run("cluster", "status");
    assertThat(status.status()).as(status.out()).isZero();
    assertThat(status.out()).startsWith("NODE").contains("leader");

    java.nio.file.Path wasm = java.nio.file.Path.of("workflows/hostile/hello.wasm");
    Run refused = run("modules", "deploy", wasm.toString());
    assertThat(refused.status()).as("no secret_api").isEqualTo(77);
    Run deployed = runWith(Map.of("MVMCI_SECRET_API", ClusterConfig.SECRET_API), "modules", "deploy", wasm.toString());
    assertThat(deployed.status()).as(deployed.err()).isZero();
    assertThat(deployed.out()).startsWith("hello ").matches("(?s)hello [0-9a-f]{64} \\(\\d+ bytes\\)\\s*");
    assertThat(run("modules", "list").out()).contains("hello");
  }

  @Test
  void schedulesCreateListPauseResumeTriggerAndDelete() {
    Run created = run("schedules", "create", "cli-nightly", "0 30 2 * * *", "--time-zone", "Europe/Paris",
        "--workflow", "noop", "--overlap", "queue", "--catch-up", "last", "--json");
    assertThat(created.status()).as(created.err()).isZero();
    assertThat(created.json().get("time_zone").asString()).isEqualTo("Europe/Paris");
    assertThat(created.json().get("overlap").asString()).isEqualTo("queue");
    assertThat(created.json().get("catch_up").asString()).isEqualTo("last");
    assertThat(java.time.Instant.parse(created.json().get("next_fire_at").asString())
        .atZone(java.time.ZoneId.of("Europe/Paris")).toLocalTime()).isEqualTo(java.time.LocalTime.of(2, 30));

    Run again = run("schedules", "create", "cli-nightly", "0 30 2 * * *", "--workflow", "noop");
    assertThat(again.status()).as("the id exists").isEqualTo(4);
    Run bad = run("schedules", "create", "cli-bad", "0 0 25 * * *", "--workflow", "noop");
    assertThat(bad.status()).as("hour 25").isEqualTo(65);
    assertThat(bad.err()).contains("cron").contains("HTTP 400");
    Run badZone = run("schedules", "create", "cli-bad", "@daily", "--time-zone", "Mars/Olympus", "--workflow", "noop");
    assertThat(badZone.status()).isEqualTo(65);
    assertThat(badZone.err()).contains("Mars/Olympus");

    Run list = run("schedules", "list");
    assertThat(list.status()).isZero();
    assertThat(list.out()).startsWith("ID").contains("cli-nightly").contains("0 30 2 * * *").contains("Europe/Paris");

    Run paused = run("schedules", "pause", "cli-nightly", "--json");
    assertThat(paused.status()).as(paused.err()).isZero();
    assertThat(paused.json().get("paused").asBoolean()).isTrue();
    assertThat(run("schedules", "list").out()).contains("paused");
    Run resumed = run("schedules", "resume", "cli-nightly", "--json");
    assertThat(resumed.json().get("paused").asBoolean()).isFalse();
    assertThat(resumed.json().hasNonNull("next_fire_at")).isTrue();

    Run fired = run("schedules", "trigger", "cli-nightly");
    assertThat(fired.status()).as(fired.err()).isZero();
    assertThat(fired.out().strip()).matches("(submitted|queued) job-\\d+");
    Run got = run("schedules", "get", "cli-nightly");
    assertThat(got.out()).contains("FIRE TIME").contains("manual");

    Run deleted = run("schedules", "delete", "cli-nightly");
    assertThat(deleted.status()).isZero();
    assertThat(deleted.out().strip()).isEqualTo("deleted cli-nightly");
    assertThat(run("schedules", "delete", "cli-nightly").status()).as("gone").isEqualTo(3);
    assertThat(run("schedules", "get", "cli-nightly").status()).isEqualTo(3);
  }

  @Test
  void artifactsAreListedAndDownloaded(@TempDir java.nio.file.Path tmp) throws Exception {
    String id = run("jobs", "submit", "--workflow", "noop", "--json").json().get("job_id").asString();
    byte[] bytes = "a build's output\n".repeat(1000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.net.http.HttpResponse<String> put = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.url("/api/v1/workers/jobs/" + id + "/artifacts/out.txt")))
            .header("Authorization", "Bearer " + io.mvmci.testing.ClusterConfig.SECRET_API)
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    assertThat(put.body()).as("a lone node holds it itself").contains("\"holders\":\"nodes:1\"");

    Run list = run("jobs", "artifacts", id);
    assertThat(list.status()).isZero();
    assertThat(list.out()).contains("out.txt").contains(String.valueOf(bytes.length)).contains("nodes:1");
    java.nio.file.Path target = tmp.resolve("got.txt");
    Run dl = run("jobs", "download", id, "out.txt", "-o", target.toString());
    assertThat(dl.status()).as(dl.err()).isZero();
    assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
    Run missing = run("jobs", "download", id, "nope", "-o", target.toString());
    assertThat(missing.status()).isNotZero();
    assertThat(missing.err()).contains("no artifact nope");
  }

  @Test
  void theBuildExampleFetchesItsSourcesAndStoresOneArtifact(@TempDir java.nio.file.Path tmp) throws Exception {
    web.route("/src/a.c", (r, hit) -> CountingServer.Reply.text("int a;".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    web.route("/src/b.c", (r, hit) -> CountingServer.Reply.text("int b;".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    io.mvmci.testing.Http.Reply deployed = io.mvmci.testing.Http.post(node.url("/api/v1/modules/build"), "application/wasm",
        Files.readAllBytes(java.nio.file.Path.of("workflows/build/build.wasm")),
        "Authorization", "Bearer " + io.mvmci.testing.ClusterConfig.SECRET_API);
    assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
    Run done = run("jobs", "submit", "--workflow", "build", "--input", "{\"sources\":[\"" + web.url("/src/a.c")
        + "\",\"" + web.url("/src/b.c") + "\"],\"artifact\":\"bundle.txt\"}", "--wait", "--json");
    assertThat(done.status()).as(done.out() + done.err()).isZero();
    JsonNode job = done.json();
    assertThat(job.get("progress").asInt()).isEqualTo(100);
    assertThat(job.get("output").get("artifact").get("name").asString()).isEqualTo("bundle.txt");
    java.nio.file.Path target = tmp.resolve("bundle.txt");
    assertThat(run("jobs", "download", job.get("job_id").asString(), "bundle.txt", "-o", target.toString()).status()).isZero();
    assertThat(Files.readString(target)).isEqualTo("=== " + web.url("/src/a.c") + "\nint a;\n=== " + web.url("/src/b.c") + "\nint b;\n");
  }
}
