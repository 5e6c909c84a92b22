package io.mvmci.ops;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.ops.backup.BackupCli;
import io.mvmci.testing.CountingServer;
import io.mvmci.testing.FreePorts;
import io.mvmci.testing.Http;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.NodeProcess;
import io.mvmci.testing.TestDirs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A real node process with known secrets and JSON logs: it listens only where configured; the API,
 * actuator and a backup show no secret; SIGTERM with submissions in flight loses no acknowledged
 * job; and its whole log output, over two runs, carries node and job ids but no secret.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeProcessTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String SECRET_RAFT = "proc-raft-secret-Zq8LwP3nR7vT";
  static final String SECRET_API = "proc-api-secret-Hk2MdX9sQ4jY";
  static final String TOKEN = "proc-public-token-Bv6NcF1gW5eU";
  static final String KEY = Base64.getEncoder().encodeToString("proc-backup-key-0123456789abcdef".getBytes());
  /** JSON logs, and the worker's line per completed job (DEBUG since it costs at thousands of jobs a second). */
  static final Map<String, String> ENV = Map.of("MVMCI_LOG_FORMAT", "ecs", "LOGGING_LEVEL_IO_MVMCI_WORKER", "DEBUG");
  static Path dir;
  static Path config;
  static int http;
  static int raft;
  static CountingServer web;
  static NodeProcess node;
  static final List<String> cliOutput = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    dir = dirs.create("mvmci-proc");
    web = new CountingServer();
    http = FreePorts.next();
    raft = FreePorts.next();
    config = dir.resolve("node.toml");
    Files.writeString(config, """
        [node]
        node_id = 1
        data_dir = "%s"
        secret_raft = "%s"
        secret_api = "%s"
        enc_keys = ["k1/%s"]
        enc_key_active = "k1"
        nodes = ["1 127.0.0.1:%d 127.0.0.1:%d"]
        listen_addr_raft = "127.0.0.1"
        listen_addr_api = "127.0.0.1"

        [api]
        token = "%s"

        [workers]
        embedded = 2
        egress_allow = ["127.0.0.1/32"]
        """.formatted(dir.resolve("data"), SECRET_RAFT, SECRET_API, KEY, raft, http, TOKEN));
    node = NodeProcess.start(config, dir.resolve("node.log"), ENV);
    awaitReady();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    web.close();
  }

  static void awaitReady() {
    node.awaitReady(Duration.ofSeconds(180));
  }

  static String url(String path) {
    return "http://127.0.0.1:" + http + path;
  }

  static String[] auth(String v) {
    return new String[] {"Authorization", "Bearer " + v};
  }

  static Reply submit(String page) {
    return post(url("/new-job"), "application/x-www-form-urlencoded", ("url=" + web.url(page)).getBytes(), auth(TOKEN));
  }

  @Test
  @Order(1)
  void itListensOnlyOnTheConfiguredAddressesAndPorts() throws Exception {
    // HTTP, Raft, and DataStream for artifact bytes (raft port + 1 when node.nodes names no fourth address)
    assertThat(node.listening()).containsExactlyInAnyOrder("127.0.0.1:" + http, "127.0.0.1:" + raft,
        "127.0.0.1:" + (raft + 1));
  }

  @Test
  @Order(2)
  void theApiActuatorAndABackupShowNoSecret() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Reply r = submit("/proc/" + i);
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      ids.add(r.json().get("job_id").asString());
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id ->
        "Completed".equals(get(url("/api/v1/jobs/" + id), auth(TOKEN)).json().get("status").asString())));
    List<String> bodies = new ArrayList<>();
    bodies.add(get(url("/queue/list"), auth(TOKEN)).body());
    bodies.add(get(url("/queue/stats"), auth(SECRET_API)).body());
    bodies.add(get(url("/api/v1/jobs"), auth(TOKEN)).body());
    bodies.add(get(url("/api/v1/tickets"), auth(SECRET_API)).body());
    bodies.add(get(url("/no/such/endpoint"), auth(TOKEN)).body());
    bodies.add(get(url("/queue/list"), auth("wrong-" + TOKEN)).body());
    bodies.add(get(url("/openapi.json"), auth(TOKEN)).body());
    JsonNode links = get(url("/actuator"), auth(TOKEN)).json().get("_links");
    for (var link : links.properties()) {
      String href = link.getValue().get("href").asString();
      if (!href.contains("{")) {
        Reply r = Http.get(href, auth(TOKEN));
        assertThat(r.status()).as(href).isIn(200, 503);
        bodies.add(r.body());
      }
    }
    assertThat(get(url("/actuator/env"), auth(SECRET_API)).status()).isEqualTo(404);
    assertThat(get(url("/actuator/configprops"), auth(SECRET_API)).status()).isEqualTo(404);
    for (String body : bodies) {
      assertNoSecret(body, "an answer");
    }

    Path backup = dir.resolve("proc.backup");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = BackupCli.run("backup", List.of("--config", config.toString(), "--out", backup.toString()),
        Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    cliOutput.add(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertNoSecret(new String(Files.readAllBytes(backup), StandardCharsets.ISO_8859_1), "the backup file");
    assertNoSecret(cliOutput.get(0), "mvm-ci backup's output");
  }

  @Test
  @Order(3)
  void sigtermWithSubmissionsInFlightLosesNoAcknowledgedJob() throws Exception {
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> submitters = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      Thread s = new Thread(() -> {
        for (int i = 0; i < 2_000 && !stop.get(); i++) {
          try {
            Reply r = submit("/sigterm/" + thread + "/" + i);
            if (r.status() == 201) {
              acknowledged.add(r.json().get("job_id").asString());
            }
          } catch (RuntimeException e) {
            // refused or cut off while the node stops: not acknowledged
          }
        }
      });
      s.start();
      submitters.add(s);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 20);
    int exit = node.terminate(120);
    stop.set(true);
    for (Thread s : submitters) {
      s.join(60_000);
    }
    System.out.printf("SIGTERM: %d jobs acknowledged; exit status %d%n", acknowledged.size(), exit);
    assertThat(exit).as("a clean stop on SIGTERM").isIn(0, 143);
    assertThat(node.output()).contains("Graceful shutdown complete");

    node = NodeProcess.start(config, dir.resolve("node.log"), ENV);
    awaitReady();
    Set<String> present = new HashSet<>();
    for (JsonNode job : get(url("/queue/list"), auth(TOKEN)).json()) {
      present.add(job.get("job_id").asString());
    }
    assertThat(present).containsAll(acknowledged);
  }

  @Test
  @Order(4)
  void theLogCarriesNodeAndJobIdsAsJsonAndNoSecret() throws Exception {
    String log = node.output();
    assertNoSecret(log, "the node's log");
    List<JsonNode> lines = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.startsWith("{")) {
        lines.add(Http.JSON.readTree(line));
      }
    }
    assertThat(lines).as("JSON lines (MVMCI_LOG_FORMAT=ecs)").hasSizeGreaterThan(10);
    assertThat(lines).allMatch(l -> "1".equals(l.path("node_id").asString()), "every line has node_id 1");
    assertThat(lines).anyMatch(l -> l.path("job_id").asString().startsWith("job-"));
    assertThat(lines).anyMatch(l -> l.path("message").asString().contains("succeeded; reporting it complete")
        && l.path("job_id").asString().startsWith("job-"));
    assertThat(lines).anyMatch(l -> l.path("service").path("name").asString().equals("mvm-ci"));
  }

  static void assertNoSecret(String text, String where) {
    for (String secret : List.of(SECRET_RAFT, SECRET_API, TOKEN, KEY)) {
      assertThat(text).as("%s must not contain a secret", where).doesNotContain(secret);
    }
  }
}
