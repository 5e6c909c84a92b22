package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.CountingServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * The one engine fixture: real engines over a real SQLite journal in a temporary folder, with the
 * real host HTTP client (allowed to reach 127.0.0.1, {@link #EGRESS}), a real local HTTP server ({@link #server}, answering
 * {@link CountingServer#HELLO} where a test set no route) and a {@link RecordingSink}. Modules come
 * from the test's own registry (the committed test guests, {@link #deploy}) or, for a test built with
 * {@link #shipped()}, the four shipped workflows. Engines built here and the server are closed after
 * each test.
 */
abstract class EngineTestSupport {
  /** The committed test guests (hostile and otherwise), see workflows/hostile/README. */
  static final Path GUESTS = Path.of("workflows", "hostile");
  /** How long a run may take on a loaded 2-core machine before the test gives up on it. */
  static final Duration AWAIT = Duration.ofSeconds(60);
  static final JsonMapper JSON = JsonMapper.builder().build();
  /** Public addresses and the test server's loopback address: what a node allows with egress_allow = ["127.0.0.1/32"]. */
  static final EgressPolicy EGRESS = EgressPolicy.allowing(List.of("127.0.0.1/32"));

  @TempDir Path dataDir;
  final ModuleRegistry registry;
  final RecordingSink sink = new RecordingSink();
  final CountingServer server = new CountingServer().fallback(CountingServer.HELLO);
  private final List<WorkflowEngine> engines = new ArrayList<>();

  /** Engines use a registry of this test's own, empty until it {@link #deploy}s. */
  EngineTestSupport() {
    this(new ModuleRegistry());
  }

  /** Engines use {@code registry}, such as {@link #shipped()}. */
  EngineTestSupport(ModuleRegistry registry) {
    this.registry = registry;
  }

  @AfterEach
  void closeEnginesAndServer() {
    engines.forEach(WorkflowEngine::close);
    server.close();
  }

  /** The four shipped workflows, compiled once per JVM (compiling the crawler takes seconds cold). */
  static ModuleRegistry shipped() {
    return Shipped.REGISTRY;
  }

  private static final class Shipped {
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

  /** Deploys the test guest {@code file} as {@code name}. */
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

  /** The journal, to read once the engines that hold it are closed. */
  JournalFile journal() {
    return new JournalFile(config().journalFile());
  }

  WorkflowEngine engine() {
    return engine(c -> c, StepHook.NONE);
  }

  WorkflowEngine engine(UnaryOperator<EngineConfig> tweak) {
    return engine(tweak, StepHook.NONE);
  }

  WorkflowEngine engine(UnaryOperator<EngineConfig> tweak, StepHook hook) {
    WorkflowEngine e = new WorkflowEngine(tweak.apply(config()), registry, sink, new HttpBridge(EGRESS), hook);
    engines.add(e);
    return e;
  }

  /** One point of a journaled step, as a {@link StepHook} sees it. */
  record StepEvent(String runId, int seq, AbiImport kind, StepHook.Point point) {
    boolean recorded() {
      return point == StepHook.Point.RECORDED;
    }
  }

  /** The point {@code point} of step {@code seq}. */
  static Predicate<StepEvent> at(int seq, StepHook.Point point) {
    return e -> e.seq() == seq && e.point() == point;
  }

  /**
   * An engine whose runs report every step point to {@code seen} and crash, with
   * {@link StepHook.SimulatedCrash}, at the first point {@code crashAt} accepts: the run ends with
   * nothing more written for it, which is what the journal holds after kill -9 at that point.
   */
  WorkflowEngine engine(UnaryOperator<EngineConfig> tweak, List<StepEvent> seen, Predicate<StepEvent> crashAt) {
    return engine(tweak, (runId, seq, kind, point) -> {
      StepEvent e = new StepEvent(runId, seq, kind, point);
      seen.add(e);
      if (crashAt.test(e)) {
        throw new StepHook.SimulatedCrash("simulated crash at " + e);
      }
    });
  }

  /** Runs {@code spec} on an engine that crashes where {@code crashAt} says, then closes that engine. */
  void crash(RunSpec spec, UnaryOperator<EngineConfig> tweak, Predicate<StepEvent> crashAt) {
    WorkflowEngine crashing = engine(tweak, new CopyOnWriteArrayList<>(), crashAt);
    try {
      RunOutcome unexpected = crashing.start(spec).outcome().get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("run " + spec.runId() + " ended with " + unexpected + " instead of crashing");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).as("crashed by the hook").isInstanceOf(StepHook.SimulatedCrash.class);
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("run " + spec.runId() + " neither crashed nor ended", e);
    } finally {
      crashing.close();
    }
  }

  static RunSpec spec(String runId, String module, String input) {
    return RunSpec.of(runId, ModuleRef.latest(module), utf8(input));
  }

  static RunOutcome outcomeOf(RunHandle handle) {
    try {
      return handle.outcome().get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new AssertionError("run " + handle.runId() + " did not end normally", e);
    }
  }

  static RunOutcome run(WorkflowEngine engine, String runId, String module, String input) {
    return outcomeOf(engine.start(spec(runId, module, input)));
  }

  /** Runs to the end on a fresh engine, which is closed then, so that {@link #journal()} can be read. */
  RunOutcome run(String runId, String module, String input) {
    try (WorkflowEngine engine = engine()) {
      return run(engine, runId, module, input);
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

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A JSON string literal. */
  static String quoted(String s) {
    return JSON.writeValueAsString(s);
  }

  /** A script-guest command line that makes an HTTP request (see workflows/hostile/script.wat). */
  static String http(int flags, String json) {
    return "h" + flags + " " + json + "\n";
  }
}
