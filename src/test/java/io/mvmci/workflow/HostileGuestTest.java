package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Guests that misbehave on purpose (workflows/hostile/). Each must end as a failed run with a
 * readable reason, and the same engine must then still run a good module.
 */
class HostileGuestTest extends EngineTestSupport {
  private WorkflowEngine engine;

  private RunOutcome.Failed runHostile(String module, String input, Duration timeout) {
    return runHostile(module, input, timeout, 64);
  }

  private RunOutcome.Failed runHostile(String module, String input, Duration timeout, int memoryCapPages) {
    deploy(module);
    engine = engine(c -> c.withMemoryCapPages(memoryCapPages).withStackSizeBytes(1024 * 1024));
    RunSpec spec = RunSpec.of("hostile-" + module, ModuleRef.latest(module), utf8(input)).withTimeout(timeout);
    return failure(outcomeOf(engine.start(spec)));
  }

  @AfterEach
  void engineStillRunsAGoodModule() {
    if (engine != null) {
      deploy("hello");
      assertThat(output(run(engine, "good-after", "hello", "world"))).isEqualTo("hello, world");
      assertThat(engine.activeRuns()).isZero();
    }
  }

  @Test
  void unreachableTraps() {
    RunOutcome.Failed f = runHostile("trap", "", null);
    assertThat(f.kind()).isEqualTo(FailureKind.TRAP);
    assertThat(f.reason()).isEqualTo("trap: Trapped on unreachable instruction");
    assertThat(sink.logMessages("hostile-trap")).containsExactly("about to trap");
  }

  @Test
  void outOfBoundsLoadTraps() {
    RunOutcome.Failed f = runHostile("oob", "", null);
    assertThat(f.kind()).isEqualTo(FailureKind.TRAP);
    assertThat(f.reason()).startsWith("trap: out of bounds memory access");
  }

  @Test
  void endlessLoopTimesOut() {
    long start = System.nanoTime();
    RunOutcome.Failed f = runHostile("loop", "", Duration.ofMillis(300));
    assertThat(f).isEqualTo(new RunOutcome.Failed(FailureKind.TIMEOUT, "timed out after 0.3 s"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void startFunctionThatNeverReturnsTimesOut() {
    RunOutcome.Failed f = runHostile("start-loop", "", Duration.ofMillis(300));
    assertThat(f).isEqualTo(new RunOutcome.Failed(FailureKind.TIMEOUT, "timed out after 0.3 s"));
  }

  @Test
  void memoryBombIsRefusedAtTheCap() {
    RunOutcome.Failed f = runHostile("membomb", "", null);
    assertThat(f).isEqualTo(new RunOutcome.Failed(FailureKind.GUEST_FAILED, "memory.grow refused at 64 pages"));
  }

  @Test
  void endlessRecursionExhaustsTheStack() {
    RunOutcome.Failed f = runHostile("recursion", "", null);
    assertThat(f).isEqualTo(new RunOutcome.Failed(FailureKind.STACK_EXHAUSTED, "call stack exhausted"));
  }

  @Test
  void moduleNeedingMoreMemoryThanTheCapDoesNotStart() {
    RunOutcome.Failed f = runHostile("script", "", null, 32);
    assertThat(f.kind()).isEqualTo(FailureKind.RESOURCE_LIMIT);
    assertThat(f.reason()).contains("needs 64 pages").contains("allows 32");
  }

  /**
   * Chicory interprets a function too large for a JVM method, and its interpreter does not
   * check for interruption on br_if: such a guest cannot be stopped. The outcome must still
   * come, once the stop grace has passed.
   */
  @Test
  void guestThatIgnoresInterruptionIsAbandonedAfterTheGrace() {
    WorkflowModule huge = deploy("huge-loop");
    assertThat(huge.usesInterpreter()).isTrue();
    engine = engine(c -> c.withStopGrace(Duration.ofMillis(200)));
    long start = System.nanoTime();
    RunOutcome.Failed f = failure(outcomeOf(engine.start(RunSpec.of("stuck", ModuleRef.latest("huge-loop"),
        new byte[0]).withTimeout(Duration.ofMillis(100)))));
    assertThat(f).isEqualTo(new RunOutcome.Failed(FailureKind.TIMEOUT,
        "timed out after 0.1 s (the guest did not stop within 0.2 s; its thread was abandoned)"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    await().atMost(AWAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().equals("wf-run stuck")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "o | output exceeds 1048576 bytes",
      "b | out of bounds memory access",
      "r | random_fill exceeds 65536 bytes",
      "l | out of bounds memory access",
      "w | out of bounds memory access"})
  void misusedHostFunctionsTrap(String abuse, String reason) {
    RunOutcome.Failed f = runHostile("abuse", abuse, null);
    assertThat(f.kind()).isEqualTo(FailureKind.TRAP);
    assertThat(f.reason()).startsWith("trap: " + reason);
  }
}
