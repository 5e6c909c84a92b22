package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cancellation, time-outs, shutdown, and the rules of starting runs. */
class LifecycleTest extends EngineTestSupport {
  /** Stopping takes milliseconds; the bound leaves room for a loaded machine. */
  private static final Duration STOP_BOUND = Duration.ofSeconds(2);
  private static Duration timeToOutcome(RunHandle handle, Runnable action) {
    long start = System.nanoTime();
    action.run();
    outcomeOf(handle);
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void cancelStopsAGuestSpinningInALoop() {
    deploy("loop");
    WorkflowEngine engine = engine();
    RunHandle handle = engine.start(RunSpec.of("spin", ModuleRef.latest("loop"), new byte[0]));
    await().atMost(AWAIT).until(() -> engine.activeRuns() == 1);

    assertThat(timeToOutcome(handle, handle::cancel)).isLessThan(STOP_BOUND);
    assertThat(outcomeOf(handle)).isEqualTo(new RunOutcome.Failed(FailureKind.CANCELLED, "cancelled"));
    assertThat(engine.activeRuns()).isZero();
  }

  @Test
  void cancelStopsADurableSleep() {
    deploy("script");
    WorkflowEngine engine = engine();
    RunHandle handle = engine.start(RunSpec.of("nap", ModuleRef.latest("script"), utf8("s600000\n")));
    await().atMost(AWAIT).until(() -> engine.activeRuns() == 1);

    assertThat(timeToOutcome(handle, handle::cancel)).isLessThan(STOP_BOUND);
    assertThat(failure(outcomeOf(handle)).kind()).isEqualTo(FailureKind.CANCELLED);
  }

  @Test
  void cancelStopsARequestInFlight() {
    server.hold("/hang");
    deploy("script");
    WorkflowEngine engine = engine();
    RunHandle handle = engine.start(RunSpec.of("wait", ModuleRef.latest("script"),
        utf8(http(0, "{\"url\":\"" + server.url("/hang") + "\",\"timeout_ms\":60000}"))));
    await().atMost(AWAIT).until(() -> server.hits("/hang") == 1);

    assertThat(timeToOutcome(handle, handle::cancel)).isLessThan(STOP_BOUND);
    assertThat(failure(outcomeOf(handle)).kind()).isEqualTo(FailureKind.CANCELLED);
  }

  @Test
  void cancelledRunStaysCancelledWhenStartedAgain() {
    deploy("loop");
    WorkflowEngine engine = engine();
    RunHandle handle = engine.start(RunSpec.of("spin", ModuleRef.latest("loop"), new byte[0]));
    handle.cancel();
    outcomeOf(handle);
    RunOutcome again = outcomeOf(engine.start(RunSpec.of("spin", ModuleRef.latest("loop"), new byte[0])));
    assertThat(failure(again).kind()).isEqualTo(FailureKind.CANCELLED);
    assertThat(engine.unfinishedRuns()).isEmpty();
  }

  @Test
  void runPastItsTimeoutFailsWithTheAbiMessage() {
    deploy("script");
    RunOutcome outcome = outcomeOf(engine().start(RunSpec.of("slow", ModuleRef.latest("script"),
        utf8("s60000\n")).withTimeout(Duration.ofMillis(250))));
    assertThat(outcome).isEqualTo(new RunOutcome.Failed(FailureKind.TIMEOUT, "timed out after 0.25 s"));
  }

  @Test
  void defaultTimeoutComesFromTheConfiguration() {
    deploy("loop");
    RunOutcome outcome = outcomeOf(engine(c -> c.withDefaultTimeout(Duration.ofSeconds(1)))
        .start(RunSpec.of("spin", ModuleRef.latest("loop"), new byte[0])));
    assertThat(outcome).isEqualTo(new RunOutcome.Failed(FailureKind.TIMEOUT, "timed out after 1 s"));
  }

  @Test
  void closingTheEngineStopsRunsAndLeavesThemResumable() {
    deploy("script");
    WorkflowEngine engine = engine();
    RunSpec spec = RunSpec.of("job-1/1", ModuleRef.latest("script"), utf8("l1 begun\ns600000\n"));
    RunHandle handle = engine.start(spec);
    await().atMost(AWAIT).until(() -> sink.logMessages("job-1/1").contains("begun"));

    engine.close();
    assertThat(failure(outcomeOf(handle))).isEqualTo(new RunOutcome.Failed(FailureKind.SHUTDOWN, "engine shut down"));
    assertThat(engine(c -> c.withDefaultTimeout(Duration.ofMillis(300))).unfinishedRuns())
        .extracting(UnfinishedRun::runId).containsExactly("job-1/1");
  }

  @Test
  void aRunIdRunsOnceAtATime() {
    deploy("loop");
    WorkflowEngine engine = engine();
    RunHandle handle = engine.start(RunSpec.of("spin", ModuleRef.latest("loop"), new byte[0]));
    assertThatThrownBy(() -> engine.start(RunSpec.of("spin", ModuleRef.latest("loop"), new byte[0])))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
    assertThatThrownBy(() -> engine.forget("spin")).isInstanceOf(IllegalStateException.class);
    handle.cancel();
    outcomeOf(handle);
  }

  @Test
  void unknownModuleFailsWithoutAJournal() {
    WorkflowEngine engine = engine();
    RunOutcome outcome = outcomeOf(engine.start(RunSpec.of("x", ModuleRef.latest("nowhere"), new byte[0])));
    assertThat(outcome).isEqualTo(new RunOutcome.Failed(FailureKind.UNKNOWN_MODULE,
        "module nowhere is not deployed on this node"));
    assertThat(engine.forget("x")).isFalse();
  }

  @Test
  void manyConcurrentRunsAllFinish() {
    deploy("hello");
    WorkflowEngine engine = engine();
    var handles = java.util.stream.IntStream.range(0, 50)
        .mapToObj(i -> engine.start(RunSpec.of("r" + i, ModuleRef.latest("hello"), utf8("" + i))))
        .toList();
    for (int i = 0; i < handles.size(); i++) {
      assertThat(output(outcomeOf(handles.get(i)))).isEqualTo("hello, " + i);
    }
  }

  /**
   * Run threads are pooled: a stop requested at any point of a run (before it starts, while it
   * sleeps, as it ends) must never interrupt the next run on the same thread, whose durable sleep
   * would then fail.
   */
  @Test
  void aStopNeverReachesTheNextRunOnAReusedThread() throws Exception {
    deploy("script");
    WorkflowEngine engine = engine();
    for (int i = 0; i < 40; i++) {
      RunHandle stopped = engine.start(RunSpec.of("a" + i, ModuleRef.latest("script"), utf8("s" + (i % 4) + "\n")));
      Thread.sleep(i % 3); // not a wait for anything: 0-2 ms, so that the stop lands at varying points
      stopped.cancel();
      outcomeOf(stopped);
      RunOutcome next = outcomeOf(engine.start(RunSpec.of("b" + i, ModuleRef.latest("script"), utf8("s3\n"))));
      assertThat(next).as("run b%d after a stopped run", i).isInstanceOf(RunOutcome.Succeeded.class);
    }
    assertThat(engine.mostRunThreadsAlive()).as("run threads alive at once for 80 runs one after another").isLessThan(5);
  }
}
