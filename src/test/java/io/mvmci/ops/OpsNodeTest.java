package io.mvmci.ops;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.ops.backup.BackupCipher;
import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import io.mvmci.worker.WorkerTicket;
import io.mvmci.deploy.ModuleDeployer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * One real node with {@code [api] token} and a backup key: health and readiness, metrics after real
 * jobs, every refused request, the OpenAPI description, and an online backup.
 */
class OpsNodeTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String TOKEN = "test-public-token-0123456789";
  static final String SECRET_API = "test-api-secret-0123456789";
  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
  static final String KEY_LINE = "enc_keys = [\"k1/" + Base64.getEncoder().encodeToString(KEY) + "\"]\n"
      + "enc_key_active = \"k1\"";
  static final String FORM = "application/x-www-form-urlencoded";
  static Path dir;
  static TestNode node;
  static CountingServer web;

  @BeforeAll
  static void start() throws Exception {
    dir = dirs.create("mvmci-ops");
    web = new CountingServer();
    node = TestNode.cluster(dir, 1, "\n[api]\ntoken = \"" + TOKEN + "\"\n[workers]\nembedded = 2\n").get(0)
        .withNodeKeys(KEY_LINE).start();
    node.bean(ModuleDeployer.class).deploy("trap", Files.readAllBytes(Path.of("workflows/hostile/trap.wasm")));
  }

  @AfterAll
  static void stop() {
    node.close();
    web.close();
  }

  static String[] bearer(String value) {
    return new String[] {"Authorization", "Bearer " + value};
  }

  static Reply submit(String url) {
    return post(node.url("/new-job"), FORM, ("url=" + url).getBytes(), bearer(TOKEN));
  }

  static String status(String id) {
    return get(node.url("/api/v1/jobs/" + id), bearer(TOKEN)).json().get("status").asString();
  }

  @Test
  void readinessIsUpOnceTheLeaderIsElectedAndDetailsNeedACredential() {
    await().atMost(Duration.ofSeconds(60)).until(() -> get(node.url("/actuator/health/readiness")).status() == 200);
    assertThat(get(node.url("/actuator/health/liveness")).status()).isEqualTo(200);

    JsonNode open = get(node.url("/actuator/health")).json();
    assertThat(open.get("status").asString()).isEqualTo("UP");
    assertThat(open.get("components").get("raft").get("status").asString()).isEqualTo("UP");
    assertThat(open.get("components").get("raft").has("details")).as("no details without a credential").isFalse();

    for (String credential : List.of(TOKEN, SECRET_API)) {
      JsonNode raft = get(node.url("/actuator/health"), bearer(credential)).json()
          .get("components").get("raft").get("details");
      assertThat(raft.get("role").asString()).isEqualTo("LEADER");
      assertThat(raft.get("leader_id").asString()).isEqualTo("1");
      assertThat(raft.get("term").asLong()).isPositive();
      assertThat(raft.get("lifecycle").asString()).isEqualTo("RUNNING");
      // A write (a ticket: no job to run) is applied, and applied_index shows it.
      long applied = raft.get("applied_index").asLong();
      assertThat(post(node.url("/api/v1/tickets"), "application/json", "{\"label\":\"health\"}".getBytes(),
          bearer(SECRET_API)).status()).isEqualTo(201);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(get(node.url("/actuator/health"), bearer(credential)).json().get("components").get("raft")
              .get("details").get("applied_index").asLong()).as("applied_index after a write").isGreaterThan(applied));
    }
    JsonNode readiness = get(node.url("/actuator/health/readiness"), bearer(TOKEN)).json();
    assertThat(readiness.get("components").propertyNames()).containsExactlyInAnyOrder("raft", "readinessState",
        "storage");
    JsonNode storage = readiness.get("components").get("storage");
    assertThat(storage.get("status").asString()).isEqualTo("UP");
    assertThat(storage.get("details").get("free_bytes").asLong()).isPositive();
    assertThat(storage.get("details").get("reserve_bytes").asLong()).isEqualTo(256L << 20);
  }

  @Test
  void metricsExistAndMoveWhenJobsRun() {
    await().atMost(Duration.ofSeconds(60)).until(() -> get(node.url("/actuator/health/readiness")).status() == 200);
    Map<String, Double> before = scrape();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Reply r = submit(web.url("/metrics/" + i));
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      ids.add(r.json().get("job_id").asString());
    }
    Reply trap = post(node.url("/api/v1/jobs"), "application/json",
        "{\"workflow\":\"trap\",\"max_attempts\":1}".getBytes(), bearer(TOKEN));
    assertThat(trap.status()).as(trap.body()).isEqualTo(201);
    String trapId = trap.json().get("job_id").asString();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> ids.stream().allMatch(id -> status(id).equals("Completed")) && status(trapId).equals("Failed"));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Map<String, Double> after = scrape();
      assertThat(after.get("mvmci_queue_jobs{status=\"Completed\"}")).isGreaterThanOrEqualTo(3);
      assertMoved(before, after, "mvmci_jobs_submitted_total{workflow=\"crawler\"}", 3);
      assertMoved(before, after, "mvmci_jobs_submitted_total{workflow=\"trap\"}", 1);
      assertMoved(before, after, "mvmci_jobs_finished_total{status=\"Completed\",workflow=\"crawler\"}", 3);
      assertMoved(before, after, "mvmci_jobs_finished_total{status=\"Failed\",workflow=\"trap\"}", 1);
      assertThat(after).containsKey("mvmci_queue_oldest_pending_age_seconds");
      assertMoved(before, after, "mvmci_jobs_claim_latency_seconds_count{attempt=\"first\"}", 4);
      assertMoved(before, after, "mvmci_jobs_run_duration_seconds_count{outcome=\"completed\"}", 3);
      assertMoved(before, after, "mvmci_engine_runs_started_total", 4);
      assertMoved(before, after, "mvmci_engine_runs_ended_total{outcome=\"succeeded\"}", 3);
      assertMoved(before, after, "mvmci_engine_traps_total", 1);
      assertMoved(before, after, "mvmci_engine_steps_recorded_total", 3);
      assertMoved(before, after, "mvmci_raft_group_commit_batch_commands_count", 4);
      assertMoved(before, after, "mvmci_raft_group_commit_wait_seconds_count", 4);
      assertMoved(before, after, "mvmci_raft_proposal_duration_seconds_count", 4);
      assertMoved(before, after, "mvmci_raft_commit_index", 4);
      assertThat(after.get("mvmci_raft_leader")).isEqualTo(1.0);
      assertThat(after.get("mvmci_raft_leader_id")).isEqualTo(1.0);
      assertThat(after.get("mvmci_raft_running")).isEqualTo(1.0);
      assertThat(after.get("mvmci_raft_term")).isPositive();
      assertThat(after.get("mvmci_raft_applied_index")).isPositive();
      assertThat(after.get("mvmci_raft_leader_changes_total")).isGreaterThanOrEqualTo(1);
      assertThat(after).containsKeys("mvmci_raft_snapshots_taken_total", "mvmci_raft_snapshots_installed_total",
          "mvmci_engine_compile_seconds_count", "mvmci_engine_runs_active", "mvmci_jobs_retries_total",
          "mvmci_jobs_leases_expired_total", "mvmci_queue_jobs{status=\"Pending\"}");
      assertThat(after.get("mvmci_engine_compile_seconds_count")).isGreaterThanOrEqualTo(1);
    });
    String text = get(node.url("/actuator/prometheus"), bearer(TOKEN)).body();
    for (String line : text.split("\n")) {
      if (line.startsWith("mvmci_")) {
        assertThat(line).as("no job ids in metric labels").doesNotContain("job-");
      }
    }
  }

  static void assertMoved(Map<String, Double> before, Map<String, Double> after, String series, double atLeast) {
    assertThat(after).as("series %s", series).containsKey(series);
    assertThat(after.get(series) - before.getOrDefault(series, 0.0)).as("%s moved", series)
        .isGreaterThanOrEqualTo(atLeast);
  }

  static Map<String, Double> scrape() {
    Reply r = get(node.url("/actuator/prometheus"), bearer(TOKEN));
    assertThat(r.status()).isEqualTo(200);
    Map<String, Double> out = new HashMap<>();
    for (String line : r.body().split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }

  @Test
  void everyRefusedRequestIsA401Or403ProblemThatEchoesNoCredential() {
    record Case(String what, String method, String path, String credential, int status) {}
    Reply issued = post(node.url("/api/v1/tickets"), "application/json", "{\"label\":\"t\"}".getBytes(),
        bearer(SECRET_API));
    assertThat(issued.status()).as(issued.body()).isEqualTo(201);
    String ticket = WorkerTicket.decode(issued.json().get("ticket").asString()).token();
    List<Case> cases = List.of(
        new Case("no token on /new-job", "POST", "/new-job", null, 401),
        new Case("wrong token on /new-job", "POST", "/new-job", "not-the-token-0123456789", 401),
        new Case("no token on /queue/list", "GET", "/queue/list", null, 401),
        new Case("no token on /queue/stats", "GET", "/queue/stats", null, 401),
        new Case("wrong token on /api/v1/jobs", "GET", "/api/v1/jobs", "x", 401),
        new Case("no token on a job", "GET", "/api/v1/jobs/job-0", null, 401),
        new Case("no token on /api/v1/stats", "GET", "/api/v1/stats", null, 401),
        new Case("no token on the module list", "GET", "/api/v1/modules", null, 401),
        new Case("a worker ticket on a public endpoint", "GET", "/queue/list", ticket, 401),
        new Case("no token on prometheus", "GET", "/actuator/prometheus", null, 401),
        new Case("wrong token on prometheus", "GET", "/actuator/prometheus", "nope", 401),
        new Case("no token on the actuator index", "GET", "/actuator", null, 401),
        new Case("no token on the worker list", "GET", "/api/v1/workers", null, 401),
        new Case("no token on the cluster view", "GET", "/api/v1/cluster", null, 401),
        new Case("no token on the copies' summary", "GET", "/api/v1/cluster/consistency", null, 401),
        new Case("wrong token on the copies' summary", "GET", "/api/v1/cluster/consistency", "not-the-token-0123", 401),
        new Case("a ticket on the copies' summary", "GET", "/api/v1/cluster/consistency", ticket, 401),
        new Case("no token on the OpenAPI description", "GET", "/openapi.json", null, 401),
        new Case("a ticket on the worker list", "GET", "/api/v1/workers", ticket, 401),
        new Case("no token on an unknown path", "GET", "/no/such/endpoint", null, 401),
        new Case("the public token on a worker endpoint", "POST", "/api/v1/workers/heartbeat", TOKEN, 401),
        new Case("the public token on a module download", "GET", "/api/v1/modules/crawler/x", TOKEN, 401),
        new Case("the public token on an admin endpoint", "GET", "/api/v1/tickets", TOKEN, 401),
        new Case("the public token on the backup endpoint", "POST", "/api/v1/admin/backup", TOKEN, 401),
        new Case("no credential on the backup endpoint", "POST", "/api/v1/admin/backup", null, 401),
        new Case("a ticket on an admin endpoint", "GET", "/api/v1/tickets", ticket, 403),
        new Case("a ticket on the backup endpoint", "POST", "/api/v1/admin/backup", ticket, 403),
        new Case("a ticket deploying a module", "POST", "/api/v1/modules/x", ticket, 403),
        new Case("path parameters around the ticket check", "GET", "/api/v1/tickets;x=1", null, 401),
        new Case("percent-encoding around the ticket check", "GET", "/api/v1/%74ickets", null, 401),
        new Case("path parameters around the worker check", "POST", "/api/v1/workers;a=b/claim", null, 401),
        new Case("path parameters around the token check", "GET", "/queue;x=1/list", null, 401),
        new Case("percent-encoding around the token check", "GET", "/%71ueue/list", null, 401));
    for (Case c : cases) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.url(c.path())))
          .method(c.method(), HttpRequest.BodyPublishers.ofString(c.method().equals("POST") ? "url=http://x" : ""))
          .header("Content-Type", FORM);
      if (c.credential() != null) {
        b.header("Authorization", "Bearer " + c.credential());
      }
      Reply r = Http.send(b);
      assertThat(r.status()).as(c.what() + ": " + r.body()).isEqualTo(c.status());
      assertThat(r.header("Content-Type")).as(c.what()).startsWith("application/problem+json");
      assertThat(r.json().get("status").asInt()).as(c.what()).isEqualTo(c.status());
      if (c.credential() != null) {
        assertThat(r.body()).as(c.what()).doesNotContain(c.credential());
      }
      if (c.status() == 401) {
        assertThat(r.header("WWW-Authenticate")).as(c.what()).startsWith("Bearer");
      }
    }
  }

  @Test
  void theTokenOrSecretApiOpenThePublicEndpointsAndHealthStaysOpen() {
    assertThat(get(node.url("/queue/stats"), bearer(TOKEN)).status()).isEqualTo(200);
    assertThat(get(node.url("/queue/list"), bearer(SECRET_API)).status()).isEqualTo(200);
    assertThat(get(node.url("/api/v1/modules"), "Authorization", "bearer " + TOKEN).status()).isEqualTo(200);
    assertThat(get(node.url("/actuator/prometheus"), bearer(SECRET_API)).status()).isEqualTo(200);
    assertThat(get(node.url("/api/v1/workers"), bearer(TOKEN)).status()).isEqualTo(200);
    assertThat(get(node.url("/api/v1/cluster"), bearer(SECRET_API)).status()).isEqualTo(200);
    assertThat(get(node.url("/api/v1/cluster/consistency"), bearer(TOKEN)).status()).isEqualTo(200);
    assertThat(get(node.url("/api/v1/cluster/consistency"), bearer(SECRET_API)).status()).isEqualTo(200);
    assertThat(get(node.url("/actuator/health")).status()).isIn(200, 503);
    assertThat(get(node.url("/actuator/health/liveness")).status()).isEqualTo(200);
    Reply created = submit(web.url("/open"));
    assertThat(created.status()).isEqualTo(201);
  }

  @Test
  void onlyHealthAndPrometheusAreExposedAndNeitherShowsASecret() {
    Reply index = get(node.url("/actuator"), bearer(TOKEN));
    assertThat(index.status()).isEqualTo(200);
    Set<String> exposed = new TreeSet<>();
    exposed.addAll(index.json().get("_links").propertyNames());
    assertThat(exposed).allMatch(n -> n.equals("self") || n.startsWith("health") || n.equals("prometheus"));
    for (String hidden : List.of("env", "configprops", "beans", "heapdump", "threaddump", "loggers", "mappings",
        "shutdown", "metrics", "info")) {
      assertThat(get(node.url("/actuator/" + hidden), bearer(SECRET_API)).status()).as(hidden).isEqualTo(404);
    }
    for (String path : List.of("/actuator", "/actuator/health", "/actuator/health/readiness",
        "/actuator/health/liveness", "/actuator/prometheus", "/openapi.json")) {
      String body = get(node.url(path), bearer(TOKEN)).body();
      for (String secret : List.of(TOKEN, SECRET_API, "test-raft-secret-0123456789",
          Base64.getEncoder().encodeToString(KEY))) {
        assertThat(body).as(path).doesNotContain(secret);
      }
    }
  }

  @Test
  void theOpenApiDescriptionListsEveryEndpointTheControllersDefine() {
    Reply r = get(node.url("/openapi.json"), bearer(TOKEN));
    assertThat(r.status()).isEqualTo(200);
    JsonNode paths = r.json().get("paths");
    RequestMappingHandlerMapping mappings = node.bean("requestMappingHandlerMapping",
        RequestMappingHandlerMapping.class);
    int checked = 0;
    for (Map.Entry<RequestMappingInfo, ?> e : mappings.getHandlerMethods().entrySet()) {
      String controller = ((org.springframework.web.method.HandlerMethod) e.getValue()).getBeanType().getName();
      if (!controller.startsWith("io.mvmci.") || controller.equals("io.mvmci.dashboard.DashboardController")) {
        continue; // the dashboard's page is a page, not an API operation
      }
      for (String path : e.getKey().getPatternValues()) {
        for (var method : e.getKey().getMethodsCondition().getMethods()) {
          assertThat(paths.has(path)).as("%s in /openapi.json", path).isTrue();
          assertThat(paths.get(path).has(method.name().toLowerCase())).as("%s %s", method, path).isTrue();
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(20);
    assertThat(paths.has("/new-job")).isTrue();
    assertThat(paths.has("/api/v1/admin/backup")).isTrue();
  }

  @Test
  void anOnlineBackupNeedsSecretApiAndDecryptsWithTheActiveKey() throws Exception {
    await().atMost(Duration.ofSeconds(60)).until(() -> get(node.url("/actuator/health/readiness")).status() == 200);
    assertThat(submit(web.url("/before-backup")).status()).isEqualTo(201);
    var response = java.net.http.HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(node.url("/api/v1/admin/backup")))
            .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + SECRET_API).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/octet-stream");
    assertThat(response.headers().firstValue("Content-Disposition").orElse("")).contains("mvm-ci-node1-");
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    var header = BackupCipher.decrypt(new ByteArrayInputStream(response.body()), plain,
        id -> id.equals("k1") ? Optional.of(KEY) : Optional.empty());
    assertThat(header.keyId()).isEqualTo("k1");
    assertThat(header.nodeId()).isEqualTo(1);
    assertThat(header.appliedIndex()).isPositive();
    assertThat(new String(plain.toByteArray(), 0, 15)).isEqualTo("SQLite format 3");
    assertThat(Files.list(node.dataDir().resolve("backup")).toList()).as("no clear copy left behind").isEmpty();
  }
}
