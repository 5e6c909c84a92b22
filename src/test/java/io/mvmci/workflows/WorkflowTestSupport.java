package io.mvmci.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.workflow.EngineConfig;
import io.mvmci.workflow.InvalidModuleException;
import io.mvmci.workflow.ModuleRef;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.RunHandle;
import io.mvmci.workflow.RunOutcome;
import io.mvmci.workflow.RunSpec;
import io.mvmci.workflow.WorkflowEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The committed workflow modules on the real engine: a real SQLite journal in a temporary
 * folder, the real host HTTP client, and a real local HTTP server ({@link #server}). Engines
 * built here are closed after each test.
 */
abstract class WorkflowTestSupport {
  /** How long a run may take on a loaded 2-core machine before the test gives up on it. */
  static final Duration AWAIT = Duration.ofSeconds(60);
  static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dataDir;
  final RecordingSink sink = new RecordingSink();
  final LocalHttpServer server = new LocalHttpServer();
  private final List<WorkflowEngine> engines = new ArrayList<>();

  @AfterEach
  void closeEnginesAndServer() {
    engines.forEach(WorkflowEngine::close);
    server.close();
  }

  /** The four shipped workflows, compiled once per JVM (compiling the crawler takes seconds cold). */
  static ModuleRegistry modules() {
    return Modules.REGISTRY;
  }

  private static final class Modules {
    static final ModuleRegistry REGISTRY = load("crawler", "pipeline", "echo", "noop");

    private static ModuleRegistry load(String... names) {
      ModuleRegistry registry = new ModuleRegistry();
      for (String name : names) {
        Path file = Path.of("workflows", name, name + ".wasm");
        try {
          registry.deploy(name, Files.readAllBytes(file));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + file + ": run scripts/build-workflows.sh", e);
        } catch (InvalidModuleException e) {
          throw new AssertionError(file + " is refused by the engine", e);
        }
      }
      return registry;
    }
  }

  EngineConfig config() {
    return EngineConfig.defaults(dataDir).withProgressInterval(Duration.ofMillis(20));
  }

  JournalFile journal() {
    return new JournalFile(config().journalFile());
  }

  WorkflowEngine engine() {
    return engine(c -> c);
  }

  WorkflowEngine engine(UnaryOperator<EngineConfig> tweak) {
    return track(new WorkflowEngine(tweak.apply(config()), modules(), sink));
  }

  /** An engine that reports each step point to {@code seen} and crashes where {@code crashAt} says. */
  WorkflowEngine engine(UnaryOperator<EngineConfig> tweak, List<StepHooks.StepEvent> seen,
      Predicate<StepHooks.StepEvent> crashAt) {
    return track(StepHooks.engine(tweak.apply(config()), modules(), sink, seen, crashAt));
  }

  private WorkflowEngine track(WorkflowEngine engine) {
    engines.add(engine);
    return engine;
  }

  static RunSpec spec(String runId, String module, String input) {
    return RunSpec.of(runId, ModuleRef.latest(module), input.getBytes(StandardCharsets.UTF_8));
  }

  static RunOutcome outcomeOf(RunHandle handle) {
    try {
      return handle.outcome().get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new AssertionError("run " + handle.runId() + " did not end normally", e);
    }
  }

  /** Runs to the end on a fresh engine, which is closed then, so that {@link #journal()} can be read. */
  RunOutcome run(String runId, String module, String input) {
    try (WorkflowEngine engine = engine()) {
      return outcomeOf(engine.start(spec(runId, module, input)));
    }
  }

  /** Runs {@code spec} to the crash {@code crashAt} asks for, then closes that engine. */
  void crash(RunSpec spec, UnaryOperator<EngineConfig> tweak, Predicate<StepHooks.StepEvent> crashAt) {
    WorkflowEngine crashing = engine(tweak, new java.util.concurrent.CopyOnWriteArrayList<>(), crashAt);
    try {
      RunOutcome unexpected = crashing.start(spec).outcome().get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("run " + spec.runId() + " ended with " + unexpected + " instead of crashing");
    } catch (ExecutionException e) {
      assertThat(StepHooks.isSimulatedCrash(e.getCause())).as("crashed by the hook: %s", e.getCause()).isTrue();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("run " + spec.runId() + " neither crashed nor ended", e);
    } finally {
      crashing.close();
    }
  }

  static String output(RunOutcome outcome) {
    assertThat(outcome).as("outcome").isInstanceOf(RunOutcome.Succeeded.class);
    return new String(((RunOutcome.Succeeded) outcome).output(), StandardCharsets.UTF_8);
  }

  static JsonNode jsonOutput(RunOutcome outcome) {
    return JSON.readTree(output(outcome));
  }

  static RunOutcome.Failed failure(RunOutcome outcome) {
    assertThat(outcome).as("outcome").isInstanceOf(RunOutcome.Failed.class);
    return (RunOutcome.Failed) outcome;
  }

  /** A JSON string literal. */
  static String quoted(String s) {
    return JSON.writeValueAsString(s);
  }
}
