package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.CountingServer.Reply;
import io.mvmci.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The test workflows of workflows/testing/ on the engine, against a local server that counts
 * requests: {@code sequence} (the crash tests' workflow: four steps per URL, each URL requested
 * exactly once however the run is interrupted, terminal when a POST was cut off) and {@code steps}
 * (the durable-steps benchmark's: exactly N {@code now_ms} steps).
 */
class TestingWorkflowsTest extends EngineTestSupport {
  static final Path TESTING = Path.of("workflows", "testing");

  @BeforeEach
  void deployAndRoute() {
    for (String name : List.of("sequence", "steps")) {
      Path file = TESTING.resolve(name).resolve(name + ".wasm");
      try {
        registry.deploy(name, Files.readAllBytes(file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InvalidModuleException e) {
        throw new AssertionError(file + " is refused by the engine", e);
      }
    }
    server.route("/a", (r, hit) -> Reply.of(200))
        .route("/b", (r, hit) -> Reply.of(201))
        .route("/down", (r, hit) -> Reply.of(503));
  }

  /** A sequence input; {@code targets} are paths (with a query of the test's own) on the server. */
  private String sequence(String extra, String... targets) {
    String urls = Arrays.stream(targets).map(t -> quoted(server.url(t))).collect(Collectors.joining(", "));
    return "{\"urls\": [" + urls + "]" + extra + "}";
  }

  private List<Integer> hits(String... targets) {
    return Arrays.stream(targets).map(server::hits).toList();
  }

  @Test
  void sequenceCallsEachUrlOnceInOrderWithProgressAndALogLinePerUrl() {
    String[] targets = {"/a?happy-1", "/b?happy-2", "/a?happy-3"};
    RunOutcome outcome = run("happy", "sequence", sequence(", \"sleep_ms\": 20", targets));

    assertThat(jsonOutput(outcome)).isEqualTo(JSON.readTree("{\"statuses\": [200, 201, 200], \"n\": 3}"));
    assertThat(hits(targets)).containsExactly(1, 1, 1);
    assertThat(server.requests()).extracting(r -> r.method() + " " + r.target())
        .containsExactly("GET /a?happy-1", "GET /b?happy-2", "GET /a?happy-3");
    List<String> kinds = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      kinds.addAll(List.of("progress", "log", "sleep_ms", "http_request"));
    }
    kinds.add("progress");
    assertThat(journal().steps("happy")).extracting(JournalFile.Step::kind).containsExactlyElementsOf(kinds);
    assertThat(journal().steps("happy", "sleep_ms")).extracting(JournalFile.Step::summary)
        .containsExactly("20 ms", "20 ms", "20 ms");
    assertThat(journal().steps("happy", "http_request")).extracting(JournalFile.Step::summary)
        .allMatch(s -> s.endsWith("(idempotent)"), "GET is idempotent by default");
    assertThat(journal().steps("happy", "progress")).extracting(JournalFile.Step::summary).containsExactly(
        "0% \"step 1 of 3\"", "33% \"step 2 of 3\"", "66% \"step 3 of 3\"", "100% \"3 of 3 done\"");
    assertThat(sink.latestProgress("happy")).contains(new ProgressUpdate.Progress(100, "3 of 3 done"));
    assertThat(sink.logMessages("happy", LogLevel.INFO)).containsExactly(
        "calling " + server.url(targets[0]), "calling " + server.url(targets[1]), "calling " + server.url(targets[2]));
  }

  /**
   * Steps 4(i-1) to 4(i-1)+3 belong to URL i; a crash after any of them, resumed by a new engine over
   * the same journal, still requests each URL (with non-idempotent POSTs) exactly once.
   */
  @Test
  void sequenceResumedAfterACrashAtAnyStepRequestsEachUrlOnce() {
    for (int k = 0; k < 9; k++) {
      int crashAt = k;
      String[] targets = {"/a?every-" + k, "/b?every-" + k};
      RunSpec spec = spec("every-" + k, "sequence", sequence(", \"method\": \"POST\"", targets));
      crash(spec, c -> c, e -> e.seq() == crashAt && e.recorded());
      RunOutcome outcome;
      try (WorkflowEngine resumed = engine()) {
        outcome = outcomeOf(resumed.start(spec));
      }
      assertThat(jsonOutput(outcome)).as("crash after step %d", k)
          .isEqualTo(JSON.readTree("{\"statuses\": [200, 201], \"n\": 2}"));
      assertThat(hits(targets)).as("crash after step %d", k).containsExactly(1, 1);
    }
  }

  /**
   * The second URL's POST (step 7) is cut off by a crash, before it is sent (STARTED) or after
   * (PERFORMED): resumed, it comes back INTERRUPTED, is not sent again, and the run fails terminally.
   */
  @ParameterizedTest(name = "crash at {0}: the POST reached the server {1} time(s)")
  @CsvSource({"STARTED, 0", "PERFORMED, 1"})
  void sequenceFailsTerminallyNamingTheUrlWhenAPostWasInFlight(StepHook.Point point, int sent) {
    String[] targets = {"/a?inflight-" + point, "/b?inflight-" + point};
    RunSpec spec = spec("inflight-" + point, "sequence", sequence(", \"method\": \"POST\"", targets));
    crash(spec, c -> c, e -> e.seq() == 7 && e.kind() == AbiImport.HTTP_REQUEST && e.point() == point);
    assertThat(journal().steps(spec.runId())).last()
        .matches(s -> s.kind().equals("http_request") && !s.done(), "the POST's start is journaled, its result is not");

    RunOutcome.Failed f;
    try (WorkflowEngine resumed = engine()) {
      f = failure(outcomeOf(resumed.start(spec)));
    }
    assertThat(f.kind()).isEqualTo(FailureKind.GUEST_FAILED_TERMINAL);
    assertThat(f.reason()).startsWith("step 2 of 2: POST " + server.url(targets[1])
        + ": interrupted by a crash and not idempotent: ");
    assertThat(hits(targets)).containsExactly(1, sent);
    assertThat(journal().steps(spec.runId())).last().extracting(JournalFile.Step::kind).isEqualTo("fail_with");
    assertThat(JSON.readTree(journal().run(spec.runId()).orElseThrow().output()))
        .isEqualTo(JSON.readTree("{\"statuses\": [200], \"n\": 2}"));
  }

  @Test
  void sequenceSendsAnIdempotentPostAgainWhenItWasInFlight() {
    String target = "/a?idempotent-post";
    RunSpec spec = spec("idempotent-post", "sequence", sequence(", \"method\": \"POST\", \"idempotent\": true", target));
    crash(spec, c -> c, e -> e.kind() == AbiImport.HTTP_REQUEST && e.point() == StepHook.Point.PERFORMED);
    try (WorkflowEngine resumed = engine()) {
      assertThat(jsonOutput(outcomeOf(resumed.start(spec)))).isEqualTo(JSON.readTree("{\"statuses\": [200], \"n\": 1}"));
    }
    assertThat(server.hits(target)).isEqualTo(2);
  }

  @Test
  void sequenceFailsRetryablyOnAStatusThatIsNot2xx() {
    String[] targets = {"/a?status", "/down?status", "/a?status-after"};
    RunOutcome.Failed f = failure(run("status", "sequence", sequence("", targets)));
    assertThat(f.kind()).isEqualTo(FailureKind.GUEST_FAILED);
    assertThat(f.reason()).isEqualTo("step 2 of 3: GET " + server.url(targets[1]) + ": HTTP 503");
    assertThat(hits(targets)).containsExactly(1, 1, 0);
    assertThat(JSON.readTree(journal().run("status").orElseThrow().output()))
        .isEqualTo(JSON.readTree("{\"statuses\": [200, 503], \"n\": 3}"));
  }

  @Test
  void sequenceFailsRetryablyOnATransportError() {
    String url = FreePorts.closedPortUrl();
    RunOutcome.Failed f = failure(run("refused", "sequence", "{\"urls\": [" + quoted(url) + "]}"));
    assertThat(f.kind()).isEqualTo(FailureKind.GUEST_FAILED);
    assertThat(f.reason()).startsWith("step 1 of 1: GET " + url + ": transport error: ");
  }

  @Test
  void sequenceFailsTerminallyOnInvalidInput() {
    RunOutcome.Failed f = failure(run("no-urls", "sequence", "{}"));
    assertThat(f).isEqualTo(new RunOutcome.Failed(FailureKind.GUEST_FAILED_TERMINAL,
        "input must have \"urls\": an array of http(s) URLs"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"{\"steps\": 7} | 7", "{} | 10", "{\"steps\": 0} | 0"})
  void stepsRecordsExactlyNNowMsSteps(String input, int n) {
    String runId = "steps-" + n;
    RunOutcome outcome = run(runId, "steps", input);
    assertThat(output(outcome)).isEqualTo("{\"steps\": " + n + "}");
    assertThat(journal().steps(runId)).hasSize(n).allMatch(s -> s.kind().equals("now_ms") && s.done());
  }

  /** In an external history (a worker's replicated one), each of the N steps is a durable write of its own. */
  @Test
  void stepsMakesEachStepDurableInAnExternalHistory() throws Exception {
    ExternalHistoryTest.MemoryHistory history = new ExternalHistoryTest.MemoryHistory();
    RunSpec spec = RunSpec.of("steps-external", ModuleRef.latest("steps"), utf8("{\"steps\": 5}")).withHistory(history);
    RunOutcome outcome;
    try (WorkflowEngine engine = engine()) {
      outcome = engine.start(spec).outcome().get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
    assertThat(output(outcome)).isEqualTo("{\"steps\": 5}");
    assertThat(history.steps).extracting(HistoryStep::kind).containsExactly("now_ms", "now_ms", "now_ms", "now_ms", "now_ms");
    assertThat(history.durableWrites).containsExactly(List.of(0), List.of(1), List.of(2), List.of(3), List.of(4));
  }

  @Test
  void stepsRefusesACountThatIsNotAWholeNumber() {
    RunOutcome.Failed f = failure(run("steps-bad", "steps", "{\"steps\": 1.5}"));
    assertThat(f).isEqualTo(new RunOutcome.Failed(FailureKind.GUEST_FAILED,
        "input must be {\"steps\": N}, N a whole number from 0 to 1000000000"));
  }
}
