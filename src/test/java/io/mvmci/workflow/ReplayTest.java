package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash and resume. A {@link StepHook} that throws {@link StepHook.SimulatedCrash} stops a run
 * at a chosen point of a chosen step, and the engine then writes nothing more for it, which is
 * what the journal looks like after kill -9 at that point (commits reach the OS before the call
 * returns). It does not simulate losing writes the OS had not yet flushed (a power cut), nor a
 * second process: {@link KillNineTest} does that with a real child JVM.
 */
class ReplayTest extends EngineTestSupport {
  /** A run of the script guest whose nine steps cover every journaled host function. */
  private String nineSteps(String prefix) {
    return "l1 starting\n"
        + http(1, "{\"url\":\"" + server.url(prefix + "/one") + "\"}")
        + "t\n"
        + "r8\n"
        + "p40 fetched one\n"
        + http(0, "{\"method\":\"POST\",\"url\":\"" + server.url(prefix + "/two") + "\",\"body\":\"x\"}")
        + "s50\n"
        + http(0, "{\"url\":\"ftp://nope/\"}")
        + "l2 done\n";
  }

  static IntStream everyStep() {
    return IntStream.range(0, 9);
  }

  @ParameterizedTest(name = "crash after step {0} is journaled")
  @MethodSource("everyStep")
  void crashAfterAnyStepResumesToTheSameOutputWithEverySideEffectOnce(int k) {
    deploy("script");
    String prefix = "/k" + k;
    RunSpec spec = RunSpec.of("job-1/1", ModuleRef.latest("script"), utf8(nineSteps(prefix)));
    crash(spec, c -> c, at(k, StepHook.Point.RECORDED));
    List<JournalFile.Step> beforeResume = journal().steps("job-1/1");
    assertThat(beforeResume).hasSize(k + 1);

    WorkflowEngine resumed = engine();
    String[] lines = output(outcomeOf(resumed.start(spec))).split("\n");
    resumed.close();

    List<JournalFile.Step> steps = journal().steps("job-1/1");
    assertThat(steps).hasSize(9).allMatch(JournalFile.Step::done);
    for (int i = 0; i <= k; i++) {
      assertThat(steps.get(i).result()).as("step %d kept from before the crash", i)
          .isEqualTo(beforeResume.get(i).result());
    }
    assertThat(server.hits(prefix + "/one")).isEqualTo(1);
    assertThat(server.hits(prefix + "/two")).isEqualTo(1);
    assertThat(lines).hasSize(9);
    assertThat(lines[0]).isEqualTo("l");
    assertThat(lines[1]).isEqualTo("h " + steps.get(1).code() + " " + new String(steps.get(1).result()));
    assertThat(lines[1]).contains("hello from " + prefix + "/one");
    assertThat(lines[2]).isEqualTo("t " + java.nio.ByteBuffer.wrap(steps.get(2).result()).getLong());
    assertThat(lines[3]).isEqualTo("r " + HexFormat.of().formatHex(steps.get(3).result()));
    assertThat(lines[4]).isEqualTo("p");
    assertThat(lines[5]).isEqualTo("h " + steps.get(5).code() + " " + new String(steps.get(5).result()));
    assertThat(lines[5]).contains("hello from " + prefix + "/two");
    assertThat(lines[6]).isEqualTo("s");
    assertThat(lines[7]).startsWith("h -3 only http and https URLs are allowed");
    assertThat(lines[8]).isEqualTo("l");
    // Log lines are journaled before they are handed on, and not logged again on replay: at
    // most once. A line buffered in the crashed engine and not yet published is lost.
    List<String> logged = sink.logMessages("job-1/1");
    assertThat(logged.stream().filter("starting"::equals).count()).isLessThanOrEqualTo(k == 0 ? 0 : 1);
    assertThat(logged.stream().filter("done"::equals).count()).isEqualTo(k == 8 ? 0 : 1);
  }

  static Stream<Arguments> inFlight() {
    return Stream.of(
        // step, point, requests to /one, to /two, what the guest saw at step 5
        Arguments.of(1, StepHook.Point.STARTED, 1, 1, "h 1"),
        Arguments.of(1, StepHook.Point.PERFORMED, 2, 1, "h 1"),
        Arguments.of(5, StepHook.Point.STARTED, 1, 0, "h -2 the request was in flight"),
        Arguments.of(5, StepHook.Point.PERFORMED, 1, 1, "h -2 the request was in flight"));
  }

  @ParameterizedTest(name = "crash at step {0} {1}")
  @MethodSource("inFlight")
  void requestInFlightAtTheCrashIsResentOnlyIfIdempotent(int k, StepHook.Point point, int one, int two,
      String stepFive) {
    deploy("script");
    String prefix = "/f" + k + point;
    RunSpec spec = RunSpec.of("job-2/1", ModuleRef.latest("script"), utf8(nineSteps(prefix)));
    crash(spec, c -> c, at(k, point));
    assertThat(journal().steps("job-2/1").get(k).done()).isFalse();

    String[] lines = output(outcomeOf(engine().start(spec))).split("\n");
    assertThat(server.hits(prefix + "/one")).isEqualTo(one);
    assertThat(server.hits(prefix + "/two")).isEqualTo(two);
    assertThat(lines[1]).contains("hello from " + prefix + "/one");
    assertThat(lines[5]).startsWith(stepFive);
  }

  @Test
  void guestThatBranchesOnMemoryTheNodeGrantsDivergesWhenResumedUnderALowerCap() {
    deploy("nondeterministic");
    String base = server.url("/");
    RunSpec spec = RunSpec.of("job-3/1", ModuleRef.latest("nondeterministic"), utf8("{\"url\":\"" + base));
    crash(spec, c -> c.withMemoryCapPages(1024), at(1, StepHook.Point.RECORDED));
    assertThat(server.hits("/big")).isEqualTo(1);

    RunOutcome.Failed f = failure(outcomeOf(engine(c -> c.withMemoryCapPages(200)).start(spec)));
    assertThat(f.kind()).isEqualTo(FailureKind.NON_DETERMINISTIC);
    assertThat(f.reason()).isEqualTo("non-deterministic workflow: step 1: journal has http_request {\"url\":\""
        + base + "big\"}, run called http_request {\"url\":\"" + base + "small\"}");
    assertThat(server.hits("/small")).isZero();
  }

  @Test
  void resumeByNameKeepsTheModuleVersionTheRunStartedWith() {
    deploy("versioned", "versioned-v1");
    RunSpec spec = RunSpec.of("job-4/1", ModuleRef.latest("versioned"),
        utf8("{\"url\":\"" + server.url("/v") + "\"}"));
    crash(spec, c -> c, at(1, StepHook.Point.RECORDED));
    deploy("versioned", "versioned-v2");

    assertThat(output(outcomeOf(engine().start(spec)))).contains("hello from /v");
    assertThat(server.hits("/v")).isEqualTo(1);
  }

  @Test
  void resumeWithAChangedModuleDivergesNamingTheStep() {
    deploy("versioned", "versioned-v1");
    RunSpec spec = RunSpec.of("job-5/1", ModuleRef.latest("versioned"),
        utf8("{\"url\":\"" + server.url("/v") + "\"}"));
    crash(spec, c -> c, at(1, StepHook.Point.RECORDED));
    WorkflowModule v2 = deploy("versioned", "versioned-v2");

    RunSpec resumeWithV2 = new RunSpec("job-5/1", v2.ref(), spec.input(), null);
    RunOutcome.Failed f = failure(outcomeOf(engine().start(resumeWithV2)));
    assertThat(f).isEqualTo(new RunOutcome.Failed(FailureKind.NON_DETERMINISTIC,
        "non-deterministic workflow: step 1: journal has http_request {\"url\":\"" + server.url("/v")
            + "\"}, run called log level 1 \"changed\""));
  }

  @Test
  void runThatEndsBeforeItsJournalDoesDiverges() {
    deploy("versioned", "versioned-v1");
    RunSpec spec = RunSpec.of("job-6/1", ModuleRef.latest("versioned"),
        utf8("{\"url\":\"" + server.url("/v") + "\"}"));
    crash(spec, c -> c, at(1, StepHook.Point.RECORDED));
    WorkflowModule hello = deploy("versioned", "hello");

    RunOutcome.Failed f = failure(outcomeOf(engine().start(new RunSpec("job-6/1", hello.ref(), spec.input(), null))));
    assertThat(f.reason()).isEqualTo(
        "non-deterministic workflow: step 0: journal has log level 1 \"hello\", run returned");
  }

  @Test
  void resumeWithAnotherInputOrModuleNameIsRefusedAndLeavesTheRunResumable() {
    deploy("script");
    deploy("hello");
    RunSpec spec = RunSpec.of("job-7/1", ModuleRef.latest("script"), utf8("t\nt\n"));
    crash(spec, c -> c, at(0, StepHook.Point.RECORDED));

    WorkflowEngine engine = engine();
    assertThatThrownBy(() -> engine.start(RunSpec.of("job-7/1", ModuleRef.latest("script"), utf8("t\nr4\n"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("run job-7/1 started with another input than the one it is resumed with");
    assertThatThrownBy(() -> engine.start(RunSpec.of("job-7/1", ModuleRef.latest("hello"), spec.input())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("run job-7/1 started with module script, not hello");
    assertThat(engine.activeRuns()).isZero();
    assertThat(output(outcomeOf(engine.start(spec)))).matches("t \\d+\nt \\d+\n");
  }

  @Test
  void durableSleepResumesWithOnlyTheTimeThatRemains() {
    deploy("script");
    RunSpec spec = RunSpec.of("job-8/1", ModuleRef.latest("script"), utf8("s8000\nt\n"));
    crash(spec, c -> c, at(0, StepHook.Point.RECORDED));
    long wake = journal().steps("job-8/1").get(0).resultLong();

    // The resuming node's clock reads 7 s later: at most 1 s of the 8 s sleep remains.
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(7));
    long start = System.nanoTime();
    String out = output(outcomeOf(engine(c -> c.withClock(later)).start(spec)));
    Duration slept = Duration.ofNanos(System.nanoTime() - start);

    assertThat(slept).isLessThan(Duration.ofSeconds(4));
    assertThat(Long.parseLong(out.split("\n")[1].substring(2))).isGreaterThanOrEqualTo(wake);
  }

  @Test
  void sleepWhoseWakeUpTimeHasPassedDoesNotSleepAgain() {
    deploy("script");
    RunSpec spec = RunSpec.of("job-9/1", ModuleRef.latest("script"), utf8("s60000\n"));
    crash(spec, c -> c, at(0, StepHook.Point.RECORDED));

    Clock muchLater = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2));
    long start = System.nanoTime();
    assertThat(output(outcomeOf(engine(c -> c.withClock(muchLater)).start(spec)))).isEqualTo("s\n");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void finishedRunReportsItsRecordedOutcomeWithoutRunningAgain() {
    deploy("script");
    RunSpec spec = RunSpec.of("job-10/1", ModuleRef.latest("script"),
        utf8(http(0, "{\"url\":\"" + server.url("/once") + "\"}")));
    WorkflowEngine first = engine();
    String out = output(outcomeOf(first.start(spec)));
    first.close();

    assertThat(output(outcomeOf(engine().start(spec)))).isEqualTo(out);
    assertThat(server.hits("/once")).isEqualTo(1);
  }

  @Test
  void crashedRunsAreListedAsUnfinishedUntilTheyEndOrAreForgotten() {
    deploy("script");
    RunSpec a = RunSpec.of("job-11/1", ModuleRef.latest("script"), utf8("t\nt\n"));
    RunSpec b = RunSpec.of("job-12/1", ModuleRef.latest("script"), utf8("t\nt\n"));
    crash(a, c -> c, at(0, StepHook.Point.RECORDED));
    crash(b, c -> c, at(0, StepHook.Point.RECORDED));

    WorkflowEngine engine = engine();
    List<UnfinishedRun> unfinished = engine.unfinishedRuns();
    assertThat(unfinished).extracting(UnfinishedRun::runId).containsExactly("job-11/1", "job-12/1");
    assertThat(unfinished.get(0).module()).isEqualTo(registry.latest("script").orElseThrow().ref());

    output(outcomeOf(engine.start(unfinished.get(0).toSpec())));
    assertThat(engine.forget("job-12/1")).isTrue();
    assertThat(engine.unfinishedRuns()).isEmpty();
    assertThat(engine.forget("job-12/1")).isFalse();
  }
}
