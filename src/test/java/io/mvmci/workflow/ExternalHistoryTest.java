package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvmci.testing.CountingServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose history lives outside the engine (as a worker's replicated history does): it records
 * every step there, replays what is there without repeating side effects, and a history that refuses
 * (a lost claim, a broken limit) ends the run with its own failure kind.
 */
class ExternalHistoryTest {
  @TempDir Path dir;
  CountingServer server;
  ModuleRegistry modules;
  WorkflowEngine engine;
  final List<String> published = new ArrayList<>();

  /** A history in memory: what a worker would keep in the queue. */
  static final class MemoryHistory implements RunHistory {
    final List<HistoryStep> steps = new ArrayList<>();
    final Map<Integer, byte[]> results = new HashMap<>();
    final List<Integer> pending = new ArrayList<>();
    final List<List<Integer>> durableWrites = new ArrayList<>();
    HistoryException refuse;

    MemoryHistory copy() {
      MemoryHistory c = new MemoryHistory();
      c.steps.addAll(steps);
      c.results.putAll(results);
      return c;
    }

    @Override
    public synchronized List<HistoryStep> recorded() {
      return List.copyOf(steps);
    }

    @Override
    public synchronized byte[] result(int seq) {
      return results.get(seq);
    }

    @Override
    public synchronized void record(HistoryStep step, byte[] result, boolean lazy) {
      if (refuse != null) {
        throw refuse;
      }
      steps.add(step);
      results.put(step.seq(), result);
      pending.add(step.seq());
      if (!lazy) {
        flush();
      }
    }

    @Override
    public synchronized void complete(HistoryStep step, int code, byte[] result) {
      steps.set(step.seq(), step);
      results.put(step.seq(), result);
      pending.add(step.seq());
      flush();
    }

    @Override
    public synchronized void flush() {
      if (!pending.isEmpty()) {
        durableWrites.add(List.copyOf(pending));
        pending.clear();
      }
    }
  }

  @BeforeEach
  void start() throws Exception {
    server = new CountingServer();
    modules = new ModuleRegistry();
    for (String name : List.of("versioned-v1", "terminal", "hello", "script")) {
      modules.deploy(name, Files.readAllBytes(Path.of("workflows/hostile/" + name + ".wasm")));
    }
    // The engine's flusher would make lazy steps durable on its own every progress interval, racing the
    // writes these tests count; an hour away, every write is the run's own (close still publishes).
    engine = new WorkflowEngine(EngineConfig.defaults(dir).withProgressInterval(Duration.ofHours(1)), modules, updates -> updates.forEach(
        u -> u.logLines().forEach(l -> published.add(l.message()))), EngineTestSupport.EGRESS);
  }

  @AfterEach
  void stop() {
    engine.close();
    server.close();
  }

  RunOutcome run(String module, String input, RunHistory history) throws Exception {
    RunSpec spec = RunSpec.of("job-1/1", ModuleRef.latest(module), input.getBytes(StandardCharsets.UTF_8))
        .withHistory(history);
    return engine.start(spec).outcome().get(30, TimeUnit.SECONDS);
  }

  @Test
  void stepsGoToTheHistoryAndAResumeElsewhereRepeatsNoSideEffect() throws Exception {
    MemoryHistory history = new MemoryHistory();
    String input = "{\"url\":\"" + server.url("/once") + "\"}";
    RunOutcome first = run("versioned-v1", input, history);

    assertThat(first).isInstanceOf(RunOutcome.Succeeded.class);
    assertThat(history.steps).extracting(HistoryStep::kind).containsExactly("log", "http_request");
    assertThat(new String(history.results.get(0), StandardCharsets.UTF_8)).as("a log step carries its line")
        .isEqualTo("hello");
    assertThat(history.steps.get(0).code()).as("and its level").isEqualTo(1);
    assertThat(history.durableWrites).as("the log line waited for the request's start, and went with it")
        .containsExactly(List.of(0, 1), List.of(1));
    assertThat(server.hits("/once")).isEqualTo(1);

    MemoryHistory elsewhere = history.copy();
    RunOutcome again = run("versioned-v1", input, elsewhere);
    assertThat(((RunOutcome.Succeeded) again).output()).isEqualTo(((RunOutcome.Succeeded) first).output());
    assertThat(server.hits("/once")).as("replayed, not sent again").isEqualTo(1);
    assertThat(elsewhere.steps).hasSize(2);
    engine.close(); // publishes whatever the sink was given
    assertThat(published).as("a history that carries log lines publishes them: not the sink").isEmpty();
  }

  @Test
  void aRequestInFlightWhenTheRunStoppedComesBackInterruptedUnlessIdempotent() throws Exception {
    MemoryHistory history = new MemoryHistory();
    String input = "{\"url\":\"" + server.url("/post") + "\",\"method\":\"POST\"}";
    run("versioned-v1", input, history);
    MemoryHistory crashed = history.copy();
    HistoryStep started = crashed.steps.get(1);
    crashed.steps.set(1, new HistoryStep(1, started.kind(), started.digest(), started.summary(), false, 0));
    crashed.results.put(1, new byte[0]);

    run("versioned-v1", input, crashed);
    assertThat(crashed.steps.get(1).done()).isTrue();
    assertThat(crashed.steps.get(1).code()).isEqualTo(HttpBridge.INTERRUPTED);
    assertThat(server.hits("/post")).as("sent once, before the crash; never again").isEqualTo(1);
  }

  @Test
  void aRefusingHistoryEndsTheRunWithItsReason() throws Exception {
    MemoryHistory stale = new MemoryHistory();
    stale.refuse = new HistoryException(HistoryException.Why.STALE, "claim 1 of job-1 is not current");
    RunOutcome lost = run("versioned-v1", "{\"url\":\"" + server.url("/x") + "\"}", stale);
    assertThat(lost).isEqualTo(new RunOutcome.Failed(FailureKind.CLAIM_LOST, "claim 1 of job-1 is not current"));
    assertThat(lost.isFinal()).as("resumable by the next claim").isFalse();

    MemoryHistory full = new MemoryHistory();
    full.refuse = new HistoryException(HistoryException.Why.LIMIT, "the run's history would hold 40 MiB");
    RunOutcome limited = run("versioned-v1", "{\"url\":\"" + server.url("/x") + "\"}", full);
    assertThat(((RunOutcome.Failed) limited).kind()).isEqualTo(FailureKind.HISTORY_LIMIT);
    assertThat(server.hits("/x")).as("nothing was sent without its start recorded").isZero();
  }

  @Test
  void failWithMarksAFailureTerminal() throws Exception {
    RunOutcome terminal = run("terminal", "t", new MemoryHistory());
    assertThat(terminal).isEqualTo(new RunOutcome.Failed(FailureKind.GUEST_FAILED_TERMINAL, "stop here"));
    RunOutcome retryable = run("terminal", "r", new MemoryHistory());
    assertThat(retryable).isEqualTo(new RunOutcome.Failed(FailureKind.GUEST_FAILED, "stop here"));
  }

  @Test
  void aModuleMayImportOnlyWhatItsAbiVersionDefines() {
    assertThatThrownBy(() -> modules.deploy("v1-imports-v2",
        Files.readAllBytes(Path.of("workflows/hostile/v1-imports-v2.wasm"))))
        .isInstanceOf(InvalidModuleException.class)
        .hasMessageContaining("import mvmci.fail_with needs ABI version 2: export mvmci_abi_v2 instead of mvmci_abi_v1");
  }

  @Test
  void lazyStepsWaitForTheNextDurableOneOrTheEndOfTheRun() throws Exception {
    MemoryHistory history = new MemoryHistory();
    run("script", "l1 one\np50 half\nt\nl2 last", history);
    assertThat(history.steps).extracting(HistoryStep::kind).containsExactly("log", "progress", "now_ms", "log");
    assertThat(history.durableWrites).as("log and progress went with now_ms; the last line at the end")
        .containsExactly(List.of(0, 1, 2), List.of(3));
    assertThat(history.steps.get(1).code()).as("a progress step carries its percent").isEqualTo(50);
    assertThat(new String(history.results.get(1), StandardCharsets.UTF_8)).isEqualTo("half");
  }

  @Test
  void aReplayRerunsTheHistoryWithoutSideEffectsAndFindsWhereAVersionDiverges() throws Exception {
    MemoryHistory history = new MemoryHistory();
    String input = "{\"url\":\"" + server.url("/replayed") + "\"}";
    run("versioned-v1", input, history);
    WorkflowModule v2 = modules.check("versioned",
        Files.readAllBytes(Path.of("workflows/hostile/versioned-v2.wasm")));

    ReplayReport same = engine.replay(modules.latest("versioned-v1").orElseThrow(),
        input.getBytes(StandardCharsets.UTF_8), history.steps, history.results::get, Duration.ofSeconds(30))
        .get(30, TimeUnit.SECONDS);
    assertThat(same).isEqualTo(new ReplayReport(2, 2, null, "the run returned"));

    ReplayReport other = engine.replay(v2, input.getBytes(StandardCharsets.UTF_8), history.steps,
        history.results::get, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
    assertThat(other.deterministic()).isFalse();
    assertThat(other.divergence()).startsWith("non-deterministic workflow: step 1: journal has http_request")
        .endsWith("run called log level 1 \"changed\"");

    ReplayReport partial = engine.replay(modules.latest("versioned-v1").orElseThrow(),
        input.getBytes(StandardCharsets.UTF_8), history.steps.subList(0, 1), history.results::get,
        Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
    assertThat(partial.deterministic()).isTrue();
    assertThat(partial.ending()).startsWith("the run would go on past its history with step 1: http_request");
    assertThat(server.hits("/replayed")).as("replays send nothing").isEqualTo(1);
  }
}
