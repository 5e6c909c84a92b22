package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.CountingServer.Reply;
import io.mvmci.testing.FreePorts;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * workflows/pipeline/pipeline.wasm on the engine, against a local server: what
 * workflows/tools/test/pipeline.test.mjs checks with the Node harness. Backoff sleeps are real
 * durable sleeps on the engine's clock; their lengths are read back from the journal, which
 * records each {@code sleep_ms} request ("100 ms") and its wake-up time.
 */
class PipelineWorkflowTest extends EngineTestSupport {
  PipelineWorkflowTest() {
    super(shipped());
  }


  @BeforeEach
  void routes() {
    server.route("/checkout", (r, hit) -> Reply.of(200))
        .route("/build", (r, hit) -> Reply.of(200))
        .route("/flaky", (r, hit) -> Reply.of(hit <= 2 ? 503 : 200))
        .route("/down", (r, hit) -> Reply.of(503))
        .route("/missing", (r, hit) -> Reply.of(404))
        .route("/deploy", (r, hit) -> Reply.of(201));
  }

  private String step(String name, String path) {
    return "{\"name\": " + quoted(name) + ", \"url\": " + quoted(server.url(path)) + "}";
  }

  private static String steps(String... steps) {
    return "[" + String.join(", ", steps) + "]";
  }

  private static List<String> sleeps(JournalFile journal, String runId) {
    return journal.steps(runId, "sleep_ms").stream().map(JournalFile.Step::summary).toList();
  }

  @Test
  void runsEveryStepInOrderReportingProgressPerStep() {
    // A fixed clock: no sleep happens here, and every now_ms reads the same time.
    Clock fixed = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
    RunOutcome outcome;
    try (var engine = engine(c -> c.withClock(fixed))) {
      outcome = outcomeOf(engine.start(spec("two-steps", "pipeline",
          "{\"steps\": " + steps(step("checkout", "/checkout"), step("build", "/build")) + "}")));
    }

    assertThat(jsonOutput(outcome)).isEqualTo(JSON.readTree("""
        {"ok": true, "failed_step": null, "steps": [
          {"name": "checkout", "outcome": "succeeded", "status": 200, "attempts": 1, "duration_ms": 0, "error": null},
          {"name": "build", "outcome": "succeeded", "status": 200, "attempts": 1, "duration_ms": 0, "error": null}]}"""));
    assertThat(server.requests()).extracting(CountingServer.Request::target).containsExactly("/checkout", "/build");
    assertThat(journal().steps("two-steps", "progress")).extracting(JournalFile.Step::summary).containsExactly(
        "0% \"step 1/2 checkout\"", "50% \"step 2/2 build\"", "100% \"pipeline succeeded: 2 steps\"");
    assertThat(sink.latestProgress("two-steps")).contains(new ProgressUpdate.Progress(100, "pipeline succeeded: 2 steps"));
    assertThat(sink.logMessages("two-steps", LogLevel.INFO)).containsExactly(
        "step 1/2 checkout: HTTP 200 after 1 attempt(s)", "step 2/2 build: HTTP 200 after 1 attempt(s)");
  }

  @Test
  void retriesAFlakyStepWithExponentialBackoffInDurableSleeps() {
    RunOutcome outcome = run("flaky", "pipeline",
        "{\"steps\": " + steps(step("build", "/flaky")) + ", \"retries\": 3, \"backoff_ms\": 100}");

    JsonNode build = jsonOutput(outcome).get("steps").get(0);
    assertThat(build.get("outcome").asString()).isEqualTo("succeeded");
    assertThat(build.get("attempts").asInt()).isEqualTo(3);
    assertThat(build.get("duration_ms").asLong()).isGreaterThanOrEqualTo(300);
    assertThat(server.hits("/flaky")).isEqualTo(3);

    List<JournalFile.Step> journaled = journal().steps("flaky");
    assertThat(sleeps(journal(), "flaky")).containsExactly("100 ms", "200 ms");
    // Each sleep lasted until its wake-up time: the next time the run read the clock (the
    // second sleep's start, then the step's end) is not before it.
    List<JournalFile.Step> sleeps = journaled.stream().filter(s -> s.kind().equals("sleep_ms")).toList();
    long secondSleepStarted = sleeps.get(1).resultLong() - 200;
    assertThat(secondSleepStarted).isGreaterThanOrEqualTo(sleeps.get(0).resultLong());
    long stepEnded = journaled.stream().filter(s -> s.kind().equals("now_ms")).reduce((a, b) -> b).orElseThrow().resultLong();
    assertThat(stepEnded).isGreaterThanOrEqualTo(sleeps.get(1).resultLong());

    assertThat(sink.logMessages("flaky", LogLevel.WARN)).containsExactly(
        "step 1/1 build: attempt 1 failed (HTTP 503), retrying in 100 ms",
        "step 1/1 build: attempt 2 failed (HTTP 503), retrying in 200 ms");
    assertThat(journal().steps("flaky", "progress")).extracting(JournalFile.Step::summary).containsExactly(
        "0% \"step 1/1 build\"", "0% \"step 1/1 build: attempt 2\"", "0% \"step 1/1 build: attempt 3\"",
        "100% \"pipeline succeeded: 1 steps\"");
  }

  private static final String EXHAUSTED = "exhausted";

  private RunOutcome runExhausting() {
    String deploy = "{\"name\": \"deploy\", \"url\": " + quoted(server.url("/deploy")) + ", \"method\": \"POST\"}";
    return run(EXHAUSTED, "pipeline", "{\"steps\": " + steps(step("checkout", "/checkout"), step("test", "/down"), deploy)
        + ", \"retries\": 2, \"backoff_ms\": 10}");
  }

  @Test
  void stepThatExhaustsItsRetriesFailsTheRunWithAReadableReasonAndSkipsTheRest() {
    RunOutcome.Failed f = failure(runExhausting());

    assertThat(f.kind()).as("retries exhausted on a 5xx: retryable, the job's policy decides")
        .isEqualTo(FailureKind.GUEST_FAILED);
    assertThat(f.reason()).isEqualTo("step \"test\" failed after 3 attempts: HTTP 503");
    assertThat(server.hits("/down")).isEqualTo(3);
    assertThat(server.hits("/deploy")).as("the step after the failed one is skipped").isZero();
    assertThat(sleeps(journal(), EXHAUSTED)).containsExactly("10 ms", "20 ms");
    assertThat(journal().run(EXHAUSTED).orElseThrow().reason()).isEqualTo(f.reason());
  }

  /**
   * The pipeline sets its summary as the run's output and then calls {@code fail}: the failed run
   * keeps that output ({@code RunOutcome.Failed#output}), as its journal records it.
   */
  @Test
  void failedRunKeepsThePipelineSummaryAsItsOutput() {
    failure(runExhausting());

    byte[] output = journal().run(EXHAUSTED).orElseThrow().output();
    assertThat(output).as("the output the pipeline set before it failed").isNotNull();
    JsonNode summary = JSON.readTree(output);
    assertThat(summary.get("ok").asBoolean()).isFalse();
    assertThat(summary.get("failed_step").asString()).isEqualTo("test");
    assertThat(summary.get("steps").valueStream()
        .map(s -> s.get("outcome").asString() + " " + s.get("attempts").asInt()).toList())
        .containsExactly("succeeded 1", "failed 3", "skipped 0");
    assertThat(summary.get("steps").get(1).get("status").asInt()).isEqualTo(503);
  }

  @Test
  void clientErrorIsNotRetriedAndFailsTheRunTerminally() {
    RunOutcome.Failed f = failure(run("not-found", "pipeline",
        "{\"steps\": " + steps(step("fetch", "/missing")) + ", \"retries\": 5}"));
    assertThat(f.reason()).isEqualTo("step \"fetch\" failed after 1 attempt: HTTP 404");
    assertThat(f.kind()).as("another execution would get the 404 too").isEqualTo(FailureKind.GUEST_FAILED_TERMINAL);
    assertThat(journal().steps("not-found")).last().extracting(JournalFile.Step::kind).isEqualTo("fail_with");
    assertThat(server.hits("/missing")).isEqualTo(1);
    assertThat(sleeps(journal(), "not-found")).isEmpty();
  }

  @Test
  void transportErrorsAreRetriedThenFailTheStep() {
    String url = FreePorts.closedPortUrl();
    RunOutcome.Failed f = failure(run("refused", "pipeline",
        "{\"steps\": [{\"name\": \"probe\", \"url\": " + quoted(url) + "}], \"retries\": 1, \"backoff_ms\": 5}"));
    assertThat(f.reason()).startsWith("step \"probe\" failed after 2 attempts: transport error: ");
    assertThat(f.kind()).isEqualTo(FailureKind.GUEST_FAILED);
    assertThat(sleeps(journal(), "refused")).containsExactly("5 ms");
  }

  @Test
  void stepSetsItsOwnMethodHeadersBodyRetriesAndBackoff() {
    String deploy = "{\"name\": \"deploy\", \"url\": " + quoted(server.url("/deploy")) + ", \"method\": \"post\","
        + " \"body\": \"{\\\"v\\\":1}\", \"headers\": {\"Content-Type\": \"application/json\", \"X-Token\": \"t1\"}}";
    String flaky = "{\"name\": \"flaky\", \"url\": " + quoted(server.url("/flaky")) + ", \"retries\": 5, \"backoff_ms\": 1}";
    RunOutcome outcome = run("own", "pipeline", "{\"steps\": " + steps(deploy, flaky) + ", \"retries\": 0}");

    JsonNode out = jsonOutput(outcome);
    assertThat(out.get("ok").asBoolean()).isTrue();
    CountingServer.Request sent = server.requests().get(0);
    assertThat(sent.target()).isEqualTo("/deploy");
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.body()).isEqualTo("{\"v\":1}");
    assertThat(sent.header("content-type")).isEqualTo("application/json");
    assertThat(sent.header("x-token")).isEqualTo("t1");
    assertThat(out.get("steps").get(1).get("attempts").asInt()).as("the step's own retries beat the run's 0")
        .isEqualTo(3);
    assertThat(sleeps(journal(), "own")).containsExactly("1 ms", "2 ms");
    // A POST is not idempotent unless it says so; a GET is.
    List<JournalFile.Step> requests = journal().steps("own", "http_request");
    assertThat(requests.get(0).summary()).contains("\"POST\"").doesNotEndWith("(idempotent)");
    assertThat(requests.get(1).summary()).endsWith("(idempotent)");
  }

  @Test
  void deniedRequestFailsTheRunTerminally() {
    RunOutcome.Failed f = failure(run("denied", "pipeline",
        "{\"steps\": [{\"name\": \"upload\", \"url\": \"ftp://example.com/x\"}], \"retries\": 5}"));
    assertThat(f.kind()).isEqualTo(FailureKind.GUEST_FAILED_TERMINAL);
    assertThat(f.reason()).startsWith("step \"upload\" failed after 1 attempt: denied: ");
  }

  /**
   * A POST step whose request was cut off by a crash before it was sent (the engine's step hook at
   * its STARTED point, as after kill -9 there): the resumed run gets INTERRUPTED, does not send it,
   * skips the rest, and fails terminally, so that no retry of the job sends the POST either.
   */
  @Test
  void nonIdempotentStepInterruptedByACrashFailsTheRunTerminally() {
    String deploy = "{\"name\": \"deploy\", \"url\": " + quoted(server.url("/deploy?interrupted")) + ", \"method\": \"POST\"}";
    RunSpec spec = spec("interrupted", "pipeline", "{\"steps\": "
        + steps(step("checkout", "/checkout?interrupted"), deploy, step("notify", "/build?interrupted")) + ", \"retries\": 3}");
    AtomicInteger started = new AtomicInteger();
    crash(spec, c -> c, e -> e.kind() == AbiImport.HTTP_REQUEST && e.point() == StepHook.Point.STARTED
        && started.incrementAndGet() == 2);

    RunOutcome.Failed f;
    try (WorkflowEngine resumed = engine()) {
      f = failure(outcomeOf(resumed.start(spec)));
    }
    assertThat(f.kind()).isEqualTo(FailureKind.GUEST_FAILED_TERMINAL);
    assertThat(f.reason()).startsWith("step \"deploy\" failed after 1 attempt: interrupted by a crash and not idempotent: ");
    assertThat(server.hits("/checkout?interrupted")).as("replayed, not sent again").isEqualTo(1);
    assertThat(server.hits("/deploy?interrupted")).as("cut off before it was sent, and not sent on resume").isZero();
    assertThat(server.hits("/build?interrupted")).as("skipped").isZero();
    List<JournalFile.Step> requests = journal().steps("interrupted", "http_request");
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).code()).as("a response").isNotNegative();
    assertThat(requests.get(1).code()).isEqualTo(HttpBridge.INTERRUPTED);
    JsonNode summary = JSON.readTree(journal().run("interrupted").orElseThrow().output());
    assertThat(summary.get("failed_step").asString()).isEqualTo("deploy");
    assertThat(summary.get("steps").valueStream().map(s -> s.get("outcome").asString()).toList())
        .containsExactly("succeeded", "failed", "skipped");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "{}                          | input must have \"steps\": a non-empty array of {\"name\", \"url\"}",
      "{\"steps\": []}             | input must have \"steps\": a non-empty array of {\"name\", \"url\"}",
      "{\"steps\": [{\"name\": \"x\"}]} | step \"x\" has no \"url\"",
      "`{\"steps\": [`             | input is not valid JSON: "})
  void invalidInputFailsReadablyAndTerminally(String input, String reason) {
    RunOutcome.Failed f = failure(run("invalid", "pipeline", input));
    assertThat(f.kind()).isEqualTo(FailureKind.GUEST_FAILED_TERMINAL);
    assertThat(f.reason()).startsWith(reason);
    assertThat(server.requests()).isEmpty();
  }
}
