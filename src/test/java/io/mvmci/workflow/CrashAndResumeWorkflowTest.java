package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.CountingServer.Reply;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The real crawler and pipeline crashed at every journaled step and resumed, as
 * workflows/tools/test/replay.test.mjs does with the Node harness. The crash is the engine's
 * own fault injection ({@link StepHook}, through {@link #crash}): the run stops right after step k is journaled and
 * nothing more is written for it, as after kill -9. A new engine over the same journal file
 * then resumes it. Each case has its own query string, so the server counts its requests apart.
 */
class CrashAndResumeWorkflowTest extends EngineTestSupport {
  CrashAndResumeWorkflowTest() {
    super(shipped());
  }

  private static final String CLEAN = "k=clean";

  @BeforeEach
  void routes() {
    server.route("/page", (r, hit) -> Reply.html("<title>T</title><a href=\"/a\">a</a>"))
        .route("/hop", (r, hit) -> Reply.redirect(302, "/page?" + query(r)))
        .route("/ok", (r, hit) -> Reply.of(200))
        .route("/flaky", (r, hit) -> Reply.of(hit == 1 ? 503 : 200))
        .route("/deploy", (r, hit) -> Reply.of(201));
  }

  private static String query(CountingServer.Request r) {
    int q = r.target().indexOf('?');
    return q < 0 ? "" : r.target().substring(q + 1);
  }

  /** What an uninterrupted run did: its output, journal, log lines and requests per target. */
  private record Clean(String output, List<JournalFile.Step> steps, List<String> logs, Map<String, Integer> hits) {}

  private Clean cleanRun(String module, String input, List<String> targets) {
    String runId = module + "-clean";
    RunOutcome outcome = run(runId, module, input);
    Map<String, Integer> hits = new java.util.LinkedHashMap<>();
    targets.forEach(t -> hits.put(t, server.hits(t + "?" + CLEAN)));
    return new Clean(output(outcome), journal().steps(runId),
        sink.logLines(runId).stream().map(LogLine::message).toList(), hits);
  }

  /**
   * For each step k of {@code clean}: crash right after step k is journaled, resume, and check
   * that the run ends as the clean one did, that only the steps after k were performed again,
   * and that every request reached the server as many times as in the clean run.
   */
  private Stream<DynamicTest> crashAfterEveryStep(String module, String input, List<String> targets,
      UnaryOperator<String> comparable) {
    Clean clean = cleanRun(module, input, targets);
    assertThat(clean.steps()).hasSizeGreaterThan(3);
    return IntStream.range(0, clean.steps().size()).mapToObj(k -> DynamicTest.dynamicTest(
        "crash after step " + k + " (" + clean.steps().get(k).kind() + ")", () -> {
          String runId = module + "-" + k;
          String kq = "k=" + k;
          RunSpec spec = spec(runId, module, input.replace(CLEAN, kq));
          crash(spec, c -> c, e -> e.seq() == k && e.recorded());
          List<JournalFile.Step> beforeResume = journal().steps(runId);
          assertThat(beforeResume).hasSize(k + 1).allMatch(JournalFile.Step::done);

          List<StepEvent> seen = new CopyOnWriteArrayList<>();
          String out;
          try (WorkflowEngine resumed = engine(c -> c, seen, e -> false)) {
            out = output(outcomeOf(resumed.start(spec)));
          }

          assertThat(comparable.apply(out)).as("same output as the uninterrupted run")
              .isEqualTo(comparable.apply(clean.output().replace(CLEAN, kq)));
          assertThat(seen.stream().filter(StepEvent::recorded).map(StepEvent::seq))
              .as("the resumed run replayed steps 0-%d and performed only the rest", k)
              .containsExactlyElementsOf(IntStream.range(k + 1, clean.steps().size()).boxed().toList());
          List<JournalFile.Step> after = journal().steps(runId);
          assertThat(after).extracting(JournalFile.Step::summary)
              .containsExactlyElementsOf(clean.steps().stream().map(s -> s.summary().replace(CLEAN, kq)).toList());
          for (int i = 0; i <= k; i++) {
            assertThat(after.get(i).result()).as("step %d kept from before the crash", i)
                .isEqualTo(beforeResume.get(i).result());
          }
          clean.hits().forEach((target, n) -> assertThat(server.hits(target + "?" + kq))
              .as("requests to %s", target).isEqualTo(n));
          // Log lines are at most once: journaled first, so never repeated by a replay; lines
          // the crashed engine had buffered but not published are lost with it.
          List<String> logged = sink.logLines(runId).stream().map(LogLine::message).toList();
          List<String> expected = clean.logs().stream().map(l -> l.replace(CLEAN, kq)).toList();
          List<Integer> logSeqs = clean.steps().stream().filter(s -> s.kind().equals("log")).map(JournalFile.Step::seq).toList();
          for (int i = 0; i < expected.size(); i++) {
            String line = expected.get(i);
            long times = logged.stream().filter(line::equals).count();
            if (logSeqs.get(i) > k) {
              assertThat(times).as("log line \"%s\" of step %d, after the crash", line, logSeqs.get(i)).isEqualTo(1);
            } else {
              assertThat(times).as("log line \"%s\" of step %d, before the crash", line, logSeqs.get(i)).isLessThanOrEqualTo(1);
            }
          }
          assertThat(sink.latestProgress(runId)).map(ProgressUpdate.Progress::percent).contains(100);
        }));
  }

  @TestFactory
  Stream<DynamicTest> crawlerSurvivesACrashAfterEveryStep() {
    String input = "{\"url\": " + quoted(server.url("/hop?" + CLEAN)) + "}";
    return crashAfterEveryStep("crawler", input, List.of("/hop", "/page"), out -> out);
  }

  @TestFactory
  Stream<DynamicTest> pipelineSurvivesACrashAfterEveryStepSleepsIncluded() {
    String input = "{\"steps\": ["
        + "{\"name\": \"a\", \"url\": " + quoted(server.url("/ok?" + CLEAN)) + "},"
        + "{\"name\": \"b\", \"url\": " + quoted(server.url("/flaky?" + CLEAN)) + ", \"retries\": 1, \"backoff_ms\": 20},"
        + "{\"name\": \"c\", \"url\": " + quoted(server.url("/deploy?" + CLEAN)) + ", \"method\": \"PUT\"}],"
        + " \"retries\": 0}";
    // duration_ms is the difference of two journaled clock readings; a run that crashed and
    // resumed took a different time than the clean one, so the outputs are compared without it.
    return crashAfterEveryStep("pipeline", input, List.of("/ok", "/flaky", "/deploy"),
        CrashAndResumeWorkflowTest::withoutDurations);
  }

  private static String withoutDurations(String pipelineOutput) {
    JsonNode out = JSON.readTree(pipelineOutput);
    out.get("steps").valueStream().forEach(s -> ((ObjectNode) s).remove("duration_ms"));
    return out.toString();
  }

  @ParameterizedTest(name = "crash at {0}: sent {1} time(s) in all")
  @CsvSource({"STARTED, 1", "PERFORMED, 2"})
  void crawlerGetInFlightAtACrashIsSentAgainBecauseItIsIdempotent(StepHook.Point point, int requests) {
    String target = "/page?inflight-" + point;
    RunSpec spec = spec("inflight-" + point, "crawler", "{\"url\": " + quoted(server.url(target)) + "}");
    crash(spec, c -> c, e -> e.kind() == AbiImport.HTTP_REQUEST && e.point() == point);
    assertThat(journal().steps(spec.runId())).last().matches(s -> s.kind().equals("http_request") && !s.done(),
        "the request's start is journaled, its result is not");

    JsonNode out;
    try (WorkflowEngine resumed = engine()) {
      out = jsonOutput(outcomeOf(resumed.start(spec)));
    }
    assertThat(out.get("title").asString()).isEqualTo("T");
    assertThat(out.get("links").get(0).asString()).isEqualTo(server.url("/a"));
    assertThat(server.hits(target)).isEqualTo(requests);
  }

  @ParameterizedTest(name = "crash at {0}: sent {1} time(s) in all")
  @CsvSource({"STARTED, 0", "PERFORMED, 1"})
  void pipelinePostInFlightAtACrashIsNotSentAgainAndTheRunFailsTerminally(StepHook.Point point, int requests) {
    String target = "/deploy?post-" + point;
    RunSpec spec = spec("post-" + point, "pipeline", "{\"steps\": [{\"name\": \"deploy\", \"url\": "
        + quoted(server.url(target)) + ", \"method\": \"POST\"}], \"retries\": 3}");
    crash(spec, c -> c, e -> e.kind() == AbiImport.HTTP_REQUEST && e.point() == point);

    RunOutcome.Failed f;
    try (WorkflowEngine resumed = engine()) {
      f = failure(outcomeOf(resumed.start(spec)));
    }
    assertThat(f.kind()).as("no retry of the job sends the POST again").isEqualTo(FailureKind.GUEST_FAILED_TERMINAL);
    assertThat(f.reason()).startsWith("step \"deploy\" failed after 1 attempt: interrupted by a crash and not idempotent: ");
    assertThat(server.hits(target)).as("a POST cut off by a crash is never sent twice").isEqualTo(requests);
  }

  @Test
  void resumedDurableSleepWaitsOnlyForTheTimeThatRemains() {
    String target = "/flaky?sleep";
    RunSpec spec = spec("sleep", "pipeline", "{\"steps\": [{\"name\": \"build\", \"url\": "
        + quoted(server.url(target)) + "}], \"retries\": 1, \"backoff_ms\": 30000}");
    crash(spec, c -> c, e -> e.kind() == AbiImport.SLEEP_MS && e.recorded());
    List<JournalFile.Step> sleeps = journal().steps("sleep", "sleep_ms");
    assertThat(sleeps).extracting(JournalFile.Step::summary).containsExactly("30000 ms");
    long wake = sleeps.get(0).resultLong();

    // The node comes back when 1.5 s of the 30 s backoff remain, by its clock.
    long started = System.nanoTime();
    Duration offset = Duration.ofMillis(wake - 1_500 - System.currentTimeMillis());
    JsonNode out;
    try (WorkflowEngine resumed = engine(c -> c.withClock(Clock.offset(Clock.systemUTC(), offset)))) {
      out = jsonOutput(outcomeOf(resumed.start(spec)));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(took).as("slept what remained").isGreaterThanOrEqualTo(Duration.ofMillis(1_400))
        .as("not the whole backoff again").isLessThan(Duration.ofSeconds(10));
    assertThat(journal().steps("sleep", "sleep_ms")).extracting(JournalFile.Step::resultLong)
        .as("the wake-up time is the journaled one").containsExactly(wake);
    JsonNode build = out.get("steps").get(0);
    assertThat(build.get("attempts").asInt()).isEqualTo(2);
    assertThat(build.get("duration_ms").asLong()).as("by the clocks, the step did wait the whole backoff")
        .isGreaterThanOrEqualTo(30_000);
    assertThat(server.hits(target)).isEqualTo(2);
  }
}
