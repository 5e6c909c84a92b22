package io.mvmci.workflow;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

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
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Engines over a temporary journal, the committed test guests, and ways to await outcomes. */
abstract class EngineTestSupport {
  static final Path GUESTS = Path.of("workflows", "hostile");
  static final Duration AWAIT = Duration.ofSeconds(30);

  @TempDir Path dataDir;
  final ModuleRegistry registry = new ModuleRegistry();
  final CapturingSink sink = new CapturingSink();
  private final List<WorkflowEngine> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() {
    engines.forEach(WorkflowEngine::close);
  }

  static byte[] guest(String name) {
    try {
      return Files.readAllBytes(GUESTS.resolve(name + ".wasm"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  WorkflowModule deploy(String name) {
    return deploy(name, name);
  }

  WorkflowModule deploy(String name, String file) {
    try {
      return registry.deploy(name, guest(file));
    } catch (InvalidModuleException e) {
      throw new AssertionError(e);
    }
  }

  EngineConfig config() {
    return EngineConfig.defaults(dataDir).withProgressInterval(Duration.ofMillis(20));
  }

  WorkflowEngine engine() {
    return engine(c -> c, StepHook.NONE);
  }

  WorkflowEngine engine(UnaryOperator<EngineConfig> tweak) {
    return engine(tweak, StepHook.NONE);
  }

  WorkflowEngine engine(UnaryOperator<EngineConfig> tweak, StepHook hook) {
    WorkflowEngine e = new WorkflowEngine(tweak.apply(config()), registry, sink,
        HttpBridge.defaultClient(), hook);
    engines.add(e);
    return e;
  }

  static RunOutcome outcomeOf(RunHandle handle) {
    try {
      return handle.outcome().get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new AssertionError("run " + handle.runId() + " did not end normally", e);
    }
  }

  static RunOutcome run(WorkflowEngine engine, String runId, String module, String input) {
    return outcomeOf(engine.start(RunSpec.of(runId, ModuleRef.latest(module), utf8(input))));
  }

  static String output(RunOutcome outcome) {
    return new String(assertInstanceOf(RunOutcome.Succeeded.class, outcome, () -> "outcome " + outcome)
        .output(), StandardCharsets.UTF_8);
  }

  static RunOutcome.Failed failure(RunOutcome outcome) {
    return assertInstanceOf(RunOutcome.Failed.class, outcome);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A script-guest command line that makes an HTTP request (see workflows/hostile/script.wat). */
  static String http(int flags, String json) {
    return "h" + flags + " " + json + "\n";
  }
}
