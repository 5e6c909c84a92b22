package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.compiler.InterpreterFallback;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiled modules kept across restarts: a second registry loads what the first compiled, and it runs. */
class CompileCacheTest {
  @TempDir Path dir;

  static byte[] wasm(String name) throws Exception {
    return Files.readAllBytes(Path.of("workflows", name, name + ".wasm"));
  }

  List<Path> files() throws Exception {
    try (Stream<Path> s = Files.list(dir.resolve("compiled"))) {
      return s.toList();
    }
  }

  @Test
  void aRestartedRegistryLoadsTheCompiledClassesInsteadOfCompilingAgain() throws Exception {
    byte[] crawler = wasm("crawler");
    WorkflowModule first = new ModuleRegistry(dir.resolve("compiled")).deploy("crawler", crawler);
    assertThat(first.code().cached()).isFalse();
    assertThat(files()).singleElement().satisfies(f -> assertThat(f.getFileName().toString())
        .isEqualTo(first.sha256() + ".chicory-" + CompileCache.CHICORY_VERSION + ".fail.jar"));
    assertThat(CompileCache.CHICORY_VERSION).matches("\\d+\\.\\d+\\.\\d+.*");

    WorkflowModule again = new ModuleRegistry(dir.resolve("compiled")).deploy("crawler", crawler);
    assertThat(again.code().cached()).isTrue();
    System.out.println("crawler: compiled in " + first.code().compileMillis() + " ms, loaded in "
        + again.code().compileMillis() + " ms");
    // No timing assertion: under load a load from the cache once took 84 ms against a compile's 75
    // (speed is scripts/bench-engine.sh's business); cached() says the classes were loaded, not compiled.
  }

  @Test
  void aModuleLoadedFromTheCacheRuns() throws Exception {
    new ModuleRegistry(dir.resolve("compiled")).deploy("echo", wasm("echo"));
    ModuleRegistry restarted = new ModuleRegistry(dir.resolve("compiled"));
    assertThat(restarted.deploy("echo", wasm("echo")).code().cached()).isTrue();
    try (WorkflowEngine engine = new WorkflowEngine(EngineConfig.defaults(dir), restarted, updates -> {})) {
      RunOutcome o = EngineTestSupport.run(engine, "echo-1", "echo", "{\"hello\":\"cache\"}");
      assertThat(EngineTestSupport.output(o)).isEqualTo("{\"hello\":\"cache\"}");
    }
  }

  @Test
  void aDamagedFileIsCompiledAgainAndReplaced() throws Exception {
    byte[] echo = wasm("echo");
    String sha = new ModuleRegistry(dir.resolve("compiled")).deploy("echo", echo).sha256();
    Path file = new CompileCache(dir.resolve("compiled")).file(sha, InterpreterFallback.FAIL);
    Files.writeString(file, "not a jar");

    WorkflowModule m = new ModuleRegistry(dir.resolve("compiled")).deploy("echo", echo);
    assertThat(m.code().cached()).isFalse();
    assertThat(Files.size(file)).isGreaterThan(100);
    assertThat(new ModuleRegistry(dir.resolve("compiled")).deploy("echo", echo).code().cached()).isTrue();
  }

  @Test
  void withoutADirectoryNothingIsKept() throws Exception {
    assertThat(new ModuleRegistry().deploy("echo", wasm("echo")).code().cached()).isFalse();
    assertThat(dir.resolve("compiled")).doesNotExist();
  }
}
