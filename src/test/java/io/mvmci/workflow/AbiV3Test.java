package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvmci.workflow.ExternalHistoryTest.MemoryHistory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ABI version 3 on the real engine (workflows/README.md, "Signals and child jobs"): {@code await_signal},
 * {@code spawn_job} and {@code await_job}, and runs that give their thread back while they wait
 * ({@link RunOutcome.Suspended}), with the history kept in memory ({@link MemoryHistory}, as a worker
 * keeps it in the replicated log) and the cluster's side played by {@link Services}. A "resume" is a
 * new run over the same history, as the next claim of a woken job would be. Driven by the ABI v3
 * exerciser {@code workflows/hostile/waits.wat} and by the example workflows approval and fanout (each in
 * AssemblyScript and in Rust).
 */
class AbiV3Test extends EngineTestSupport {
  static final long T0 = 1_000_000;
  final TestClock clock = new TestClock(T0);
  final Services services = new Services();
  WorkflowEngine engine;

  /** A wall clock the test sets; frozen between its moves, so deadlines are exact. */
  static final class TestClock extends Clock {
    final AtomicLong millis;

    TestClock(long millis) {
      this.millis = new AtomicLong(millis);
    }

    void set(long ms) {
      millis.set(ms);
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /**
   * The cluster's side of a run, in memory: the signals sent to its job, the children it spawned (one
   * per step, as the host's idempotency key makes it), their outcomes, and every question asked.
   */
  static final class Services implements RunServices {
    record Sent(long id, String name, String payload) {}

    volatile long threshold = 500;
    final List<Sent> signals = new CopyOnWriteArrayList<>();
    /** (name, afterId) of each {@link #nextSignal} call. */
    final List<String> asked = new CopyOnWriteArrayList<>();
    /** The step of each {@link #spawn} call, and its request. */
    final List<Integer> spawnSteps = new CopyOnWriteArrayList<>();
    final List<String> spawnRequests = new CopyOnWriteArrayList<>();
    final Map<Integer, String> childByStep = new ConcurrentHashMap<>();
    final Map<String, Answer> outcomes = new ConcurrentHashMap<>();
    final List<String> outcomesAsked = new CopyOnWriteArrayList<>();

    Services send(long id, String name, String payload) {
      signals.add(new Sent(id, name, payload));
      return this;
    }

    void finish(String jobId, int code, String json) {
      outcomes.put(jobId, Answer.of(code, utf8(json)));
    }

    @Override
    public long suspendSleepsLongerThanMs() {
      return threshold;
    }

    @Override
    public Optional<Signal> nextSignal(String name, long afterId) {
      asked.add(name + " after " + afterId);
      return signals.stream().filter(s -> s.name().equals(name) && s.id() > afterId).findFirst()
          .map(s -> new Signal(s.id(), utf8(s.payload())));
    }

    @Override
    public Answer spawn(byte[] request, int step) {
      String json = new String(request, StandardCharsets.UTF_8);
      spawnSteps.add(step);
      spawnRequests.add(json);
      String workflow = JSON.readTree(json).path("workflow").asString("");
      if (!List.of("echo", "noop").contains(workflow)) {
        return Answer.of(1, utf8("unknown workflow: " + workflow));
      }
      String id = childByStep.computeIfAbsent(step, s -> "job-" + (10 + childByStep.size()));
      return Answer.of(0, utf8("{\"job_id\":\"" + id + "\"}"));
    }

    @Override
    public Answer jobOutcome(String jobId) {
      outcomesAsked.add(jobId);
      if (!childByStep.containsValue(jobId)) {
        return Answer.of(-1, utf8("{\"job_id\":" + quoted(jobId) + ",\"error\":\"not a child of this job\"}"));
      }
      Answer done = outcomes.get(jobId);
      return done != null ? done : Answer.waitFor("job:" + jobId.substring("job-".length()));
    }
  }

  @BeforeEach
  void deployAndStart() throws IOException {
    deploy("waits");
    deploy("script");
    for (String name : List.of("approval", "approval-rs", "fanout", "fanout-rs")) {
      try {
        registry.deploy(name, Files.readAllBytes(Path.of("workflows", name, name + ".wasm")));
      } catch (InvalidModuleException e) {
        throw new AssertionError(name + " is refused by the engine", e);
      }
    }
    engine = engine(c -> c.withClock(clock));
  }

  RunSpec spec(String module, String input, RunHistory history) {
    return RunSpec.of("job-1/1", ModuleRef.latest(module), utf8(input)).withHistory(history).withServices(services);
  }

  RunOutcome run(String module, String input, RunHistory history) {
    return outcomeOf(engine.start(spec(module, input, history)));
  }

  RunOutcome waits(String commands, RunHistory history) {
    return run("waits", commands, history);
  }

  static long longAt(MemoryHistory h, int seq) {
    return ByteBuffer.wrap(h.results.get(seq)).getLong();
  }

  static List<String> kinds(MemoryHistory h) {
    return h.steps.stream().map(HistoryStep::kind).toList();
  }

  // ---- await_signal ----

  @Test
  void aSignalThatIsThereIsTakenWithItsPayloadAndTwoStepsAreRecorded() {
    // The engine's flusher makes lazy steps durable on its own every progress interval (20 ms here), and
    // may write the deadline alone before the take; with it an hour away, the writes are the run's own.
    engine.close();
    engine = engine(c -> c.withClock(clock).withProgressInterval(Duration.ofHours(1)));
    services.send(5, "approve", "{\"by\":\"ada\"}");
    MemoryHistory h = new MemoryHistory();
    assertThat(output(waits("a60000 approve\n", h))).isEqualTo("a 0 {\"by\":\"ada\"}\n");
    assertThat(kinds(h)).containsExactly("await_signal", "await_signal");
    assertThat(h.steps.get(0).summary()).isEqualTo("\"approve\" for up to 60000 ms");
    assertThat(longAt(h, 0)).as("the wait's deadline").isEqualTo(T0 + 60_000);
    assertThat(h.steps.get(1).code()).isEqualTo(WaitFunctions.SIGNAL_TAKEN);
    assertThat(longAt(h, 1)).as("the signal's id").isEqualTo(5);
    // The deadline is recorded lazily: it is durable with the take, in one write, before the guest sees the
    // signal (a crash before that write leaves neither, and the guest has observed nothing of either).
    assertThat(h.durableWrites).as("both steps durable, together, before the guest goes on")
        .containsExactly(List.of(0, 1));
    assertThat(services.asked).containsExactly("approve after 0");
  }

  @Test
  void withNothingToTakeTheRunSuspendsUntilTheDeadlineAndRecordsOnlyTheDeadline() {
    MemoryHistory timed = new MemoryHistory();
    assertThat(waits("a60000 approve\n", timed)).isEqualTo(new RunOutcome.Suspended("signal:approve", T0 + 60_000, 0));
    assertThat(kinds(timed)).containsExactly("await_signal");

    MemoryHistory forever = new MemoryHistory();
    assertThat(waits("a approve\n", forever)).isEqualTo(new RunOutcome.Suspended("signal:approve", -1, 0));
    assertThat(longAt(forever, 0)).isEqualTo(-1);
  }

  @Test
  void aResumedRunKeepsItsDeadlineAndTakesTheSignalThatArrived() {
    MemoryHistory h = new MemoryHistory();
    assertThat(waits("t\na60000 approve\nt\n", h)).isEqualTo(new RunOutcome.Suspended("signal:approve", T0 + 60_000, 0));

    clock.set(T0 + 30_000);
    assertThat(waits("t\na60000 approve\nt\n", h)).as("woken early, nothing there yet: the same deadline")
        .isEqualTo(new RunOutcome.Suspended("signal:approve", T0 + 60_000, 0));
    assertThat(h.steps).hasSize(2);

    clock.set(T0 + 40_000);
    services.send(1, "approve", "true");
    assertThat(output(waits("t\na60000 approve\nt\n", h))).isEqualTo("t " + T0 + "\na 0 true\nt " + (T0 + 40_000) + "\n");
    assertThat(kinds(h)).containsExactly("now_ms", "await_signal", "await_signal", "now_ms");
    assertThat(longAt(h, 1)).as("the deadline step was replayed, not recorded again").isEqualTo(T0 + 60_000);
  }

  @Test
  void aWaitTimesOutAtOnceWithTimeout0AndWhenResumedPastItsDeadline() {
    MemoryHistory now = new MemoryHistory();
    assertThat(output(waits("a0 approve\n", now))).isEqualTo("a 1 \n");
    assertThat(now.steps.get(1).code()).isEqualTo(WaitFunctions.SIGNAL_TIMED_OUT);

    MemoryHistory later = new MemoryHistory();
    assertThat(waits("a60000 approve\n", later)).isInstanceOf(RunOutcome.Suspended.class);
    clock.set(T0 + 60_000);
    assertThat(output(waits("a60000 approve\n", later))).isEqualTo("a 1 \n");
    services.send(1, "approve", "\"too late\"");
    assertThat(output(waits("a60000 approve\n", later))).as("replayed: the timeout is history").isEqualTo("a 1 \n");
  }

  @Test
  void aRemainingWaitWithinTheThresholdIsSleptOnTheThreadThenTimesOut() {
    engine.close(); // one engine per journal: this one's clock is the real one, since the run sleeps
    WorkflowEngine real = engine();
    MemoryHistory h = new MemoryHistory();
    long start = System.nanoTime();
    RunOutcome outcome = outcomeOf(real.start(RunSpec.of("job-2/1", ModuleRef.latest("waits"), utf8("a150 approve\n"))
        .withHistory(h).withServices(services)));
    assertThat(output(outcome)).isEqualTo("a 1 \n");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    assertThat(services.asked).as("looked at once more after the sleep").containsExactly("approve after 0", "approve after 0");
  }

  @Test
  void signalsOfANameAreTakenInArrivalOrderEachOnceAndAResumeAsksAfterTheLastTaken() {
    services.send(3, "go", "1").send(4, "other", "x").send(6, "go", "2");
    MemoryHistory h = new MemoryHistory();
    assertThat(waits("a0 go\na0 go\na go\n", h)).isEqualTo(new RunOutcome.Suspended("signal:go", -1, 6));
    assertThat(services.asked).containsExactly("go after 0", "go after 3", "go after 6");

    services.asked.clear();
    services.send(9, "go", "3");
    assertThat(output(waits("a0 go\na0 go\na go\n", h))).isEqualTo("a 0 1\na 0 2\na 0 3\n");
    assertThat(services.asked).as("the replayed takes asked nothing; the new one asked after the last taken")
        .containsExactly("go after 6");
  }

  @Test
  void aNewExecutionStartsAgainFromTheFirstSignal() {
    services.send(3, "go", "1").send(6, "go", "2");
    assertThat(output(waits("a0 go\n", new MemoryHistory()))).isEqualTo("a 0 1\n");
    assertThat(output(waits("a0 go\n", new MemoryHistory()))).as("another execution: an empty history").isEqualTo("a 0 1\n");
  }

  @Test
  void aWaitWithoutATimeoutSuspendsEvenWhenTheNodeNeverSuspendsSleeps() throws Exception {
    services.threshold = Long.MAX_VALUE;
    RunHandle handle = engine.start(spec("waits", "a approve\n", new MemoryHistory()).withTimeout(Duration.ofSeconds(5)));
    assertThat(handle.outcome().get(10, TimeUnit.SECONDS)).isEqualTo(new RunOutcome.Suspended("signal:approve", -1, 0));
  }

  @Test
  void anInvalidSignalNameTraps() {
    RunOutcome.Failed f = failure(waits("a0 has space\n", new MemoryHistory()));
    assertThat(f.kind()).isEqualTo(FailureKind.TRAP);
    assertThat(f.reason()).startsWith("trap: await_signal: a signal name is 1-128 letters, digits, '.', '_', ':' or '-'");
  }

  // ---- spawn_job ----

  @Test
  void spawnJobAnswersTheChildsIdOrTheRefusal() {
    MemoryHistory h = new MemoryHistory();
    String out = output(waits("j {\"workflow\":\"echo\",\"input\":{\"n\":1},\"detached\":true}\nj {\"workflow\":\"nope\"}\n", h));
    assertThat(out).isEqualTo("j 0 {\"job_id\":\"job-10\"}\nj 1 unknown workflow: nope\n");
    assertThat(services.spawnSteps).containsExactly(0, 1);
    assertThat(services.spawnRequests.get(0)).isEqualTo("{\"workflow\":\"echo\",\"input\":{\"n\":1},\"detached\":true}");
    assertThat(h.steps).extracting(HistoryStep::kind, HistoryStep::code).containsExactly(
        org.assertj.core.groups.Tuple.tuple("spawn_job", 0), org.assertj.core.groups.Tuple.tuple("spawn_job", 1));
  }

  /** Crashes once, as the process would die, when the run records a {@code spawn_job} step: after the child was submitted. */
  static final class CrashBeforeSpawnIsRecorded implements RunHistory {
    final MemoryHistory inner;
    boolean crashed;

    CrashBeforeSpawnIsRecorded(MemoryHistory inner) {
      this.inner = inner;
    }

    @Override
    public List<HistoryStep> recorded() {
      return inner.recorded();
    }

    @Override
    public byte[] result(int seq) {
      return inner.result(seq);
    }

    @Override
    public void record(HistoryStep step, byte[] result, boolean lazy) {
      if (!crashed && step.kind().equals("spawn_job")) {
        crashed = true;
        throw new StepHook.SimulatedCrash("died between the submission and its step");
      }
      inner.record(step, result, lazy);
    }

    @Override
    public void complete(HistoryStep step, int code, byte[] result) {
      inner.complete(step, code, result);
    }

    @Override
    public void flush() {
      inner.flush();
    }
  }

  @Test
  void spawnJobIsExactlyOnceAcrossACrashBetweenTheSubmissionAndItsStep() throws Exception {
    String commands = "t\nj {\"workflow\":\"echo\"}\nk job-10\n";
    services.finish("job-10", 0, "{\"job_id\":\"job-10\",\"status\":\"Completed\",\"output\":{}}");
    MemoryHistory h = new MemoryHistory();

    assertThatThrownBy(() -> engine.start(spec("waits", commands, new CrashBeforeSpawnIsRecorded(h)))
        .outcome().get(AWAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(StepHook.SimulatedCrash.class);
    assertThat(kinds(h)).as("the child was submitted; its step was not recorded").containsExactly("now_ms");
    assertThat(services.spawnSteps).containsExactly(1);

    String out = output(waits(commands, h));
    assertThat(services.spawnSteps).as("submitted again for the same step, which answers the same child").containsExactly(1, 1);
    assertThat(services.childByStep).containsExactly(Map.entry(1, "job-10"));
    assertThat(kinds(h)).containsExactly("now_ms", "spawn_job", "await_job");

    assertThat(output(waits(commands, h))).isEqualTo(out);
    assertThat(services.spawnSteps).as("a resumed run replays the child's id").containsExactly(1, 1);
    ReplayReport replay = engine.replay(registry.latest("waits").orElseThrow(), utf8(commands), h.steps, h.results::get,
        AWAIT).get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(replay).isEqualTo(new ReplayReport(3, 3, null, "the run returned"));
    assertThat(services.spawnSteps).as("nor does a replay").containsExactly(1, 1);
  }

  // ---- await_job ----

  @Test
  void awaitJobSuspendsWhileTheChildRunsThenAnswersItsOutcome() {
    String commands = "j {\"workflow\":\"echo\"}\nk job-10\nk job-99\n";
    MemoryHistory h = new MemoryHistory();
    assertThat(waits(commands, h)).isEqualTo(new RunOutcome.Suspended("job:10", -1, 0));
    assertThat(kinds(h)).containsExactly("spawn_job");

    services.finish("job-10", 1, "{\"job_id\":\"job-10\",\"status\":\"Failed\",\"error\":\"boom\"}");
    assertThat(output(waits(commands, h))).isEqualTo("j 0 {\"job_id\":\"job-10\"}\n"
        + "k 1 {\"job_id\":\"job-10\",\"status\":\"Failed\",\"error\":\"boom\"}\n"
        + "k -1 {\"job_id\":\"job-99\",\"error\":\"not a child of this job\"}\n");
    assertThat(h.steps).extracting(HistoryStep::code).containsExactly(0, 1, -1);

    services.outcomesAsked.clear();
    services.outcomes.clear();
    output(waits(commands, h));
    assertThat(services.outcomesAsked).as("recorded outcomes are replayed").isEmpty();
  }

  // ---- long sleeps, all versions ----

  @Test
  void aLongSleepOfAVersion1ModuleSuspendsForATimerAndAResumeAfterItsWakeTimeDoesNotSleep() {
    services.threshold = 100;
    MemoryHistory h = new MemoryHistory();
    assertThat(run("script", "s60000\nt\n", h)).isEqualTo(new RunOutcome.Suspended("timer", T0 + 60_000, 0));
    assertThat(kinds(h)).containsExactly("sleep_ms");

    clock.set(T0 + 59_000);
    assertThat(run("script", "s60000\nt\n", h)).as("a timer that fired early: the same wake time")
        .isEqualTo(new RunOutcome.Suspended("timer", T0 + 60_000, 0));

    clock.set(T0 + 60_005);
    long start = System.nanoTime();
    assertThat(output(run("script", "s60000\nt\n", h))).isEqualTo("s\nt " + (T0 + 60_005) + "\n");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    assertThat(kinds(h)).containsExactly("sleep_ms", "now_ms");
  }

  // ---- without a cluster ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a0 approve", "j {\"workflow\":\"echo\"}", "k job-1"})
  void theEngineOnItsOwnCannotWaitSignalOrSpawn(String command) {
    String function = switch (command.charAt(0)) {
      case 'a' -> "await_signal";
      case 'j' -> "spawn_job";
      default -> "await_job";
    };
    String reason = function + " needs a cluster: this run was started by the engine on its own, without a job";
    assertThat(run(engine, "alone-" + command.charAt(0), "waits", command + "\n"))
        .isEqualTo(new RunOutcome.Failed(FailureKind.HOST_ERROR, reason));
    RunSpec withoutServices = RunSpec.of("no-services-" + command.charAt(0), ModuleRef.latest("waits"), utf8(command + "\n"))
        .withHistory(new MemoryHistory());
    assertThat(outcomeOf(engine.start(withoutServices))).isEqualTo(new RunOutcome.Failed(FailureKind.HOST_ERROR, reason));
  }

  @Test
  void aReplayOfAHistoryWithTheseStepsIsDeterministicAndAsksTheClusterNothing() throws Exception {
    String commands = "a go\nj {\"workflow\":\"echo\"}\nk job-10\ns0\n";
    services.send(1, "go", "{}");
    services.finish("job-10", 2, "{\"job_id\":\"job-10\",\"status\":\"Cancelled\",\"error\":\"cancelled\"}");
    MemoryHistory h = new MemoryHistory();
    output(waits(commands, h));
    int asked = services.asked.size();
    int spawned = services.spawnSteps.size();
    int outcomes = services.outcomesAsked.size();
    WorkflowModule waits = registry.latest("waits").orElseThrow();

    ReplayReport whole = engine.replay(waits, utf8(commands), h.steps, h.results::get, AWAIT)
        .get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(whole).isEqualTo(new ReplayReport(5, 5, null, "the run returned"));

    ReplayReport waiting = engine.replay(waits, utf8(commands), h.steps.subList(0, 1), h.results::get, AWAIT)
        .get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(waiting.deterministic()).isTrue();
    assertThat(waiting.ending()).isEqualTo("the run would go on past its history with step 1: await_signal \"go\" taken");

    ReplayReport beforeTheOutcome = engine.replay(waits, utf8(commands), h.steps.subList(0, 3), h.results::get, AWAIT)
        .get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(beforeTheOutcome.ending()).isEqualTo("the run would go on past its history with step 3: await_job job-10");

    ReplayReport other = engine.replay(waits, utf8("a other\n"), h.steps, h.results::get, AWAIT)
        .get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(other.divergence()).startsWith("non-deterministic workflow: step 0: journal has await_signal \"go\"")
        .endsWith("run called await_signal \"other\"");
    assertThat(List.of(services.asked.size(), services.spawnSteps.size(), services.outcomesAsked.size()))
        .as("replays asked the cluster nothing").isEqualTo(List.of(asked, spawned, outcomes));
  }

  @Test
  void aVersion2ModuleMayNotImportVersion3Functions() {
    assertThatThrownBy(() -> registry.deploy("v2-imports-v3", guest("v2-imports-v3")))
        .isInstanceOf(InvalidModuleException.class)
        .hasMessageContaining("import mvmci.await_signal needs ABI version 3: export mvmci_abi_v3 instead of mvmci_abi_v2");
  }

  // ---- the examples ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"approval", "approval-rs"})
  void approvalWaitsForADecisionWithoutASlotAndCompletesWhenApproved(String module) {
    String input = "{\"subject\": \"deploy 1.4\", \"timeout_ms\": 3600000, \"approvers\": [\"ada\"]}";
    MemoryHistory h = new MemoryHistory();
    assertThat(run(module, input, h)).isEqualTo(new RunOutcome.Suspended("signal:decision", T0 + 3_600_000, 0));

    clock.set(T0 + 120_000);
    services.send(1, "decision", "{\"approved\": true, \"by\": \"eve\"}");
    assertThat(run(module, input, h)).as("eve is not an approver: ignored, and the wait goes on to the same deadline")
        .isEqualTo(new RunOutcome.Suspended("signal:decision", T0 + 3_600_000, 1));

    clock.set(T0 + 300_000);
    services.send(2, "decision", "{\"approved\": true, \"by\": \"ada\", \"comment\": \"ship it\"}");
    assertThat(jsonOutput(run(module, input, h))).isEqualTo(JSON.readTree("{\"subject\": \"deploy 1.4\", \"approved\": true,"
        + " \"by\": \"ada\", \"comment\": \"ship it\", \"waited_ms\": 300000, \"ignored\": 1}"));
    assertThat(h.steps.stream().filter(s -> s.kind().equals("await_signal"))).hasSize(4);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"approval", "approval-rs"})
  void approvalFailsTerminallyWhenRejectedOrWhenNobodyDecidedInTime(String module) {
    services.send(1, "decision", "{\"approved\": false, \"by\": \"bob\", \"comment\": \"not on a Friday\"}");
    RunOutcome.Failed rejected = failure(run(module, "{}", new MemoryHistory()));
    assertThat(rejected.kind()).isEqualTo(FailureKind.GUEST_FAILED_TERMINAL);
    assertThat(rejected.reason()).isEqualTo("rejected by bob: not on a Friday");
    assertThat(JSON.readTree(rejected.output()).path("approved").asBoolean(true)).isFalse();

    services.signals.clear();
    MemoryHistory h = new MemoryHistory();
    assertThat(run(module, "{\"timeout_ms\": 60000}", h)).isInstanceOf(RunOutcome.Suspended.class);
    clock.set(T0 + 61_000);
    RunOutcome.Failed late = failure(run(module, "{\"timeout_ms\": 60000}", h));
    assertThat(late).extracting(RunOutcome.Failed::kind, RunOutcome.Failed::reason)
        .containsExactly(FailureKind.GUEST_FAILED_TERMINAL, "no decision within 60000 ms");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fanout", "fanout-rs"})
  void fanoutSpawnsEachChildOnceWaitsForEachAndSummarises(String module) {
    String input = "{\"workflow\": \"echo\", \"children\": 3}";
    MemoryHistory h = new MemoryHistory();
    assertThat(run(module, input, h)).isEqualTo(new RunOutcome.Suspended("job:10", -1, 0));
    assertThat(services.spawnRequests).containsExactly("{\"workflow\":\"echo\",\"input\":{\"index\":0}}",
        "{\"workflow\":\"echo\",\"input\":{\"index\":1}}", "{\"workflow\":\"echo\",\"input\":{\"index\":2}}");

    services.finish("job-10", 0, "{\"job_id\":\"job-10\",\"status\":\"Completed\",\"output\":{\"index\":0}}");
    services.finish("job-11", 1, "{\"job_id\":\"job-11\",\"status\":\"Failed\",\"error\":\"boom\"}");
    assertThat(run(module, input, h)).isEqualTo(new RunOutcome.Suspended("job:12", -1, 0));
    services.finish("job-12", 2, "{\"job_id\":\"job-12\",\"status\":\"Cancelled\",\"error\":\"cancelled\"}");
    assertThat(jsonOutput(run(module, input, h))).isEqualTo(JSON.readTree("{\"workflow\": \"echo\", \"children\": ["
        + "{\"job_id\": \"job-10\", \"status\": \"Completed\", \"output\": {\"index\": 0}},"
        + "{\"job_id\": \"job-11\", \"status\": \"Failed\", \"error\": \"boom\"},"
        + "{\"job_id\": \"job-12\", \"status\": \"Cancelled\", \"error\": \"cancelled\"}],"
        + " \"completed\": 1, \"failed\": 1, \"cancelled\": 1}"));
    assertThat(services.spawnSteps).as("three children, each spawned once over three runs").hasSize(3);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fanout", "fanout-rs"})
  void fanoutFailsTerminallyWhenAChildIsRefused(String module) {
    RunOutcome.Failed f = failure(run(module, "{\"workflow\": \"nope\", \"inputs\": [{}]}", new MemoryHistory()));
    assertThat(f).extracting(RunOutcome.Failed::kind, RunOutcome.Failed::reason)
        .containsExactly(FailureKind.GUEST_FAILED_TERMINAL, "child 1 of 1 refused: unknown workflow: nope");
  }
}
