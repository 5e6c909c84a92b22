package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every host function of ABI v1, driven through the script guest (workflows/hostile/script.wat). */
class HostFunctionsTest extends EngineTestSupport {
  private String script(String commands) {
    deploy("script");
    return output(run(engine(), "run-1", "script", commands));
  }

  /**
   * The parsed response of the script's single http command, "h <code> <json>\n", after
   * checking that the code is the length of the JSON, as the ABI says.
   */
  private static JsonNode response(String out) {
    String[] parts = out.split(" ", 3);
    assertThat(parts[0]).isEqualTo("h");
    String json = parts[2].substring(0, parts[2].length() - 1);
    assertThat(Integer.parseInt(parts[1])).isEqualTo(utf8(json).length);
    return JSON.readTree(json);
  }

  @Test
  void inputIsTheRunsInputAndOutputIsWhatTheGuestSet() {
    assertThat(script("i\ni\n")).isEqualTo("i 4\ni 4\n");
  }

  @Test
  void nowMsIsTheWallClock() {
    long before = System.currentTimeMillis();
    String out = script("t\n");
    long after = System.currentTimeMillis();
    long now = Long.parseLong(out.substring(2, out.length() - 1));
    assertThat(now).isBetween(before, after);
  }

  @Test
  void randomFillGivesFreshBytesEachCall() {
    String[] lines = script("r32\nr32\n").split("\n");
    assertThat(lines[0]).matches("r [0-9a-f]{64}");
    assertThat(lines[1]).matches("r [0-9a-f]{64}").isNotEqualTo(lines[0]);
  }

  @Test
  void sleepMsSleeps() {
    long start = System.nanoTime();
    script("s300\n");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void logLinesReachTheSinkWithTheirLevelAndAreCutAt8KiB() {
    String longLine = "x".repeat(9000);
    script("l0 debug line\nl3 error line\nl7 clamped\nl1 " + longLine + "\n");
    await().atMost(AWAIT).until(() -> sink.logMessages("run-1").size() == 4);
    List<LogLine> lines = sink.updates("run-1").stream().flatMap(u -> u.logLines().stream()).toList();
    assertThat(lines).extracting(LogLine::level)
        .containsExactly(LogLevel.DEBUG, LogLevel.ERROR, LogLevel.ERROR, LogLevel.INFO);
    assertThat(lines.get(0).message()).isEqualTo("debug line");
    assertThat(lines.get(3).message()).hasSize(HostFunctions.MAX_LOG);
  }

  @Test
  void progressIsClampedAndTheLatestWins() {
    script("p10 starting\np150 way over\n");
    List<ProgressUpdate.Progress> reported = sink.progress("run-1");
    assertThat(reported).isNotEmpty();
    assertThat(reported.get(reported.size() - 1)).isEqualTo(new ProgressUpdate.Progress(100, "way over"));
  }

  @Test
  void aChattyGuestIsCoalescedAndRateLimited() {
    deploy("script");
    String chatter = "p1 a\n".repeat(200) + "l1 line\n".repeat(200) + "p99 last\n";
    WorkflowEngine engine = engine(c -> c.withLogLimits(5, 64 * 1024).withProgressInterval(Duration.ofHours(1)));
    output(run(engine, "chatty", "script", chatter));

    List<ProgressUpdate> updates = sink.updates("chatty");
    assertThat(updates).hasSize(1);
    assertThat(updates.get(0).progress()).isEqualTo(new ProgressUpdate.Progress(99, "last"));
    assertThat(sink.logMessages("chatty"))
        .containsExactly("line", "line", "line", "line", "line", "195 log lines dropped (rate limit)");
  }

  @Test
  void failEndsTheRunWithTheGuestsMessage() {
    deploy("script");
    RunOutcome outcome = run(engine(), "run-1", "script", "i\nf the disk is full\ni\n");
    assertThat(failure(outcome)).isEqualTo(new RunOutcome.Failed(FailureKind.GUEST_FAILED, "the disk is full"));
  }

  @Test
  void httpGetReturnsStatusLowerCaseJoinedHeadersAndBody() {
    String out = script(http(0, "{\"url\":\"" + server.url("/hello") + "\"}"));
    JsonNode response = response(out);
    assertThat(response.get("status").asInt()).isEqualTo(200);
    assertThat(response.get("headers").get("x-test").asString()).isEqualTo("a, b");
    assertThat(response.get("body").asString()).isEqualTo("hello from /hello");
    assertThat(response.has("truncated")).isFalse();
  }

  @Test
  void httpPostSendsMethodHeadersAndBody() {
    script(http(0, "{\"method\":\"POST\",\"url\":\"" + server.url("/post")
        + "\",\"headers\":{\"content-type\":\"text/plain\"},\"body\":\"payload\"}"));
    assertThat(server.lastRequest("/post").method()).isEqualTo("POST");
    assertThat(server.lastRequest("/post").body()).isEqualTo("payload");
  }

  @Test
  void httpErrorStatusIsASuccessfulCall() {
    JsonNode response = response(script(http(0, "{\"url\":\"" + server.url("/status/503") + "\"}")));
    assertThat(response.get("status").asInt()).isEqualTo(503);
  }

  @Test
  void httpToANonHttpUrlOrWithBadJsonIsDenied() {
    String out = script(http(0, "{\"url\":\"ftp://example.com/\"}") + http(0, "not json")
        + http(0, "{\"url\":\"" + server.url("/x") + "\",\"headers\":{\"host\":\"evil\"}}"));
    String[] lines = out.split("\n");
    assertThat(lines[0]).startsWith("h -3 only http and https URLs are allowed");
    assertThat(lines[1]).startsWith("h -3 request is not valid JSON");
    assertThat(lines[2]).startsWith("h -3 ").contains("host");
    assertThat(server.hits("/x")).isZero();
  }

  @Test
  void httpTransportFailuresAreErrorCodeMinusOne() {
    server.hold("/slow");
    String refused = "http://127.0.0.1:1/nothing-listens-here";
    String out = script(http(0, "{\"url\":\"" + refused + "\"}")
        + http(0, "{\"url\":\"" + server.url("/slow") + "\",\"timeout_ms\":200}"));
    String[] lines = out.split("\n");
    assertThat(lines[0]).startsWith("h -1 connection failed");
    assertThat(lines[1]).startsWith("h -1 timed out");
  }

  @Test
  void everyJournaledCallIsAStepInOrder() {
    deploy("script");
    WorkflowEngine engine = engine();
    output(run(engine, "run-1", "script", "i\nl1 a\nt\nr4\ns1\np5 b\n"
        + http(1, "{\"url\":\"" + server.url("/j") + "\"}")));
    engine.close();
    try (Journal journal = Journal.open(config().journalFile())) {
      Journal.RunRecord run = journal.read("run-1").orElseThrow();
      List<Step> steps = run.steps();
      assertThat(steps).extracting(s -> s.request().kind()).containsExactly(AbiImport.LOG, AbiImport.NOW_MS,
          AbiImport.RANDOM_FILL, AbiImport.SLEEP_MS, AbiImport.PROGRESS, AbiImport.HTTP_REQUEST);
      assertThat(steps).allMatch(Step::done);
      assertThat(HexFormat.of().formatHex(journal.result(run.runNo(), 2))).hasSize(8);
    }
  }
}
