package io.mvmci.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.FreePorts;
import io.mvmci.testing.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The entrypoint starts a real node from environment variables alone, outside any container: no
 * file, the original image's names (NODE_ID, NODES, a secret as SECRET_RAFT_FILE, HTTP_PORT
 * agreeing with NODES) and the rule's ({@code MVMCI_WORKERS__EMBEDDED}); it execs the real {@code
 * java} (the test class path, through MVMCI_JAVA_CMD), the node becomes healthy by the image's own
 * health check, takes a job, and SIGTERM sent to the script's process id reaches Java (exec), which
 * shuts down.
 */
class EntrypointNodeTest {
  private static final Duration START = Duration.ofSeconds(120);

  @TempDir Path dir;
  private Process process;
  private final CountingServer web = new CountingServer();

  @AfterEach
  void tearDown() throws InterruptedException {
    web.close();
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theEntrypointStartsARealNodeThatTakesJobsAndStopsOnSigterm() throws Exception {
    int http = FreePorts.next();
    int raft = FreePorts.next();
    String secret = "entrypoint-raft-secret-0123456789";
    Path data = dir.resolve("data");
    Path log = dir.resolve("node.log");

    // An argument file keeps the class path whole whatever characters it holds.
    Path args = dir.resolve("java.args");
    List<String> launch = new java.util.ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    launch.addAll(io.mvmci.testing.NodeProcess.mainClassOptions().stream().map(EntrypointNodeTest::quoted).toList());
    launch.add("io.mvmci.Main");
    Files.write(args, launch, StandardCharsets.UTF_8);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path secretFile = Files.writeString(dir.resolve("secret_raft"), secret + "\n");
    Map<String, String> env = Map.ofEntries(
        Map.entry("MVMCI_WORKERS__EGRESS_ALLOW", "127.0.0.1/32"), // the local test server
        Map.entry("NODE_ID", "1"),
        Map.entry("NODES", "1 127.0.0.1:" + raft + " 127.0.0.1:" + http),
        Map.entry("HTTP_PORT", Integer.toString(http)),
        Map.entry("SECRET_RAFT_FILE", secretFile.toString()),
        Map.entry("LISTEN_ADDR_RAFT", "127.0.0.1"),
        Map.entry("LISTEN_ADDR_API", "127.0.0.1"),
        Map.entry("DATA_DIR", data.toString()),
        Map.entry("MVMCI_WORKERS__EMBEDDED", "1"),
        Map.entry("MVMCI_JAVA_CMD", java + " @" + args));

    ProcessBuilder pb = new ProcessBuilder(Entrypoint.SCRIPT.toString()).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
    pb.environment().putAll(env);
    process = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long pid = process.pid();

    await().atMost(START).pollInterval(Duration.ofMillis(500)).until(() -> {
      assertThat(process.isAlive()).as("the node exited early; its log:\n%s", tail(log)).isTrue();
      return health(env, http) == 0;
    });
    assertThat(commandLine(pid)).as("exec: the script's process is now Java, given no configuration file")
        .isEqualTo(java + " @" + args);
    assertThat(data.resolve("node.toml")).as("nothing writes a configuration file").doesNotExist();
    assertThat(data.resolve("secret_raft")).as("secret_raft came from SECRET_RAFT_FILE; none was generated")
        .doesNotExist();
    assertThat(Http.get("http://127.0.0.1:" + http + "/actuator/health").json().get("status").asString())
        .isEqualTo("UP");

    Http.Reply created = Http.post("http://127.0.0.1:" + http + "/new-job",
        "application/x-www-form-urlencoded", "url=" + web.url("/page/from-entrypoint"));
    assertThat(created.status()).isEqualTo(201);
    String jobId = created.json().get("job_id").asString();
    await().atMost(Duration.ofSeconds(60)).until(() -> "Completed".equals(status(http, jobId)));
    assertThat(web.hits("/page/from-entrypoint")).isEqualTo(1);

    Runtime.getRuntime().exec(new String[] {"kill", "-TERM", Long.toString(pid)}).waitFor();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("Java got SIGTERM and stopped").isTrue();
    assertThat(process.exitValue()).as("exit status; log:\n%s", tail(log)).isIn(0, 128 + 15);
    assertThat(Files.readString(log)).doesNotContain(secret);
    assertThat(health(env, http)).as("health fails once the node is gone").isNotZero();
  }

  private static String status(int http, String jobId) {
    for (JsonNode job : Http.get("http://127.0.0.1:" + http + "/queue/list").json()) {
      if (job.get("job_id").asString().equals(jobId)) {
        return job.get("status").asString();
      }
    }
    return null;
  }

  /** The image's health check, run here: {@code docker-entrypoint.sh health} with the node's env. */
  private static int health(Map<String, String> env, int http) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(Entrypoint.SCRIPT.toString(), "health");
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
    pb.environment().putAll(env);
    Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  private static String commandLine(long pid) throws IOException {
    byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
    List<String> words = new ArrayList<>();
    for (String w : new String(raw, StandardCharsets.UTF_8).split("\0")) {
      words.add(w);
    }
    return String.join(" ", words);
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
