package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.CountingServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine in a child JVM, killed with SIGKILL in the middle of HTTP requests, then resumed
 * by a new process on the same journal. The local server counts what was really sent.
 */
class KillNineTest {
  private static final Duration CHILD_WAIT = Duration.ofSeconds(60);
  private final CountingServer server = new CountingServer().fallback(CountingServer.HELLO);
  @TempDir Path dir;

  @AfterEach
  void stopServer() {
    server.close();
  }

  private Process child(int n) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        EngineChild.class.getName(), dir.resolve("data").toString(),
        EngineTestSupport.GUESTS.resolve("script.wasm").toAbsolutePath().toString(), "job-1/1",
        dir.resolve("input").toString())
        .redirectOutput(dir.resolve("out" + n).toFile())
        .redirectError(dir.resolve("err" + n).toFile())
        .start();
  }

  private static void kill9(Process p) throws InterruptedException {
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
  }

  private List<String> stdout(int n) throws IOException {
    return Files.readAllLines(dir.resolve("out" + n));
  }

  @Test
  void requestsInFlightAtKillNineAreInterruptedOrResentAsTheirIdempotenceSays() throws Exception {
    server.hold("/slow");
    server.holdFirst("/idem", 1);
    Files.writeString(dir.resolve("input"),
        EngineTestSupport.http(1, "{\"url\":\"" + server.url("/a") + "\"}")
            + "s200\n"
            + EngineTestSupport.http(0, "{\"method\":\"POST\",\"url\":\"" + server.url("/slow") + "\",\"body\":\"pay\"}")
            + EngineTestSupport.http(1, "{\"url\":\"" + server.url("/idem") + "\"}"));

    Process first = child(1);
    await().atMost(CHILD_WAIT).until(() -> server.hits("/slow") == 1);
    kill9(first);
    assertThat(server.hits("/a")).isEqualTo(1);

    Process second = child(2);
    await().atMost(CHILD_WAIT).until(() -> server.hits("/idem") == 1);
    kill9(second);

    Process third = child(3);
    assertThat(third.waitFor(CHILD_WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(third.exitValue()).as(Files.readString(dir.resolve("err3"))).isZero();

    assertThat(server.hits("/a")).as("idempotent, completed before the first kill").isEqualTo(1);
    assertThat(server.hits("/slow")).as("not idempotent, in flight at the first kill").isEqualTo(1);
    assertThat(server.hits("/idem")).as("idempotent, in flight at the second kill").isEqualTo(2);
    assertThat(stdout(2)).contains("UNFINISHED [job-1/1]");
    assertThat(stdout(3)).contains("UNFINISHED [job-1/1]");
    String outcome = stdout(3).stream().filter(l -> l.startsWith("OUTCOME ")).findFirst().orElseThrow();
    assertThat(outcome).startsWith("OUTCOME SUCCEEDED ");
    String[] lines = new String(Base64.getDecoder().decode(outcome.substring("OUTCOME SUCCEEDED ".length())),
        StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0]).startsWith("h ").contains("hello from /a");
    assertThat(lines[1]).isEqualTo("s");
    assertThat(lines[2]).startsWith("h -2 the request was in flight");
    assertThat(lines[3]).startsWith("h ").contains("hello from /idem");
  }
}
