package io.mvmci.workflow;

import static com.dylibso.chicory.wasm.types.ValType.I32;
import static com.dylibso.chicory.wasm.types.ValType.I64;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed workflow modules against the host ABI ({@code workflows/README.md}), statically:
 * every folder under {@code workflows/} with a {@code build.sh} (and every test workflow's, under
 * {@code workflows/testing/}) has its built {@code .wasm}; Chicory parses it; it declares an ABI
 * version by exporting {@code mvmci_abi_v<n>} (n from 1 to 3); it exports {@code memory} and
 * {@code run}; it imports only host functions of module {@code mvmci} that its version has, with the
 * ABI's signatures; the engine's own validator accepts it; and it declares the lowest version its
 * imports need, so that a module that can run on a version 1 host says so. How each workflow
 * behaves on the engine is tested with the engine.
 */
class WorkflowCorpusTest {

  private static final Path WORKFLOWS = Path.of("workflows");

  /** A host function's signature and the ABI version that introduced it. */
  private record HostFunction(FunctionType type, int since) {}

  /** Every host function of ABI versions 1 to 4. Keep in step with workflows/README.md. */
  private static final Map<String, HostFunction> ABI_IMPORTS =
      Map.ofEntries(
          Map.entry("result_read", v1(List.of(I32, I32), List.of(I32))),
          Map.entry("input", v1(List.of(), List.of(I32))),
          Map.entry("output", v1(List.of(I32, I32), List.of())),
          Map.entry("log", v1(List.of(I32, I32, I32), List.of())),
          Map.entry("progress", v1(List.of(I32, I32, I32), List.of())),
          Map.entry("http_request", v1(List.of(I32, I32, I32), List.of(I32))),
          Map.entry("now_ms", v1(List.of(), List.of(I64))),
          Map.entry("random_fill", v1(List.of(I32, I32), List.of())),
          Map.entry("sleep_ms", v1(List.of(I64), List.of())),
          Map.entry("fail", v1(List.of(I32, I32), List.of())),
          Map.entry("fail_with", new HostFunction(FunctionType.of(List.of(I32, I32, I32), List.of()), 2)),
          Map.entry("await_signal", new HostFunction(FunctionType.of(List.of(I32, I32, I64), List.of(I32)), 3)),
          Map.entry("spawn_job", new HostFunction(FunctionType.of(List.of(I32, I32), List.of(I32)), 3)),
          Map.entry("await_job", new HostFunction(FunctionType.of(List.of(I32, I32), List.of(I32)), 3)),
          Map.entry("artifact_open", new HostFunction(FunctionType.of(List.of(I32, I32), List.of(I32)), 4)),
          Map.entry("artifact_write", new HostFunction(FunctionType.of(List.of(I32, I32, I32), List.of(I32)), 4)),
          Map.entry("artifact_close", new HostFunction(FunctionType.of(List.of(I32), List.of(I32)), 4)));

  /** The newest ABI version. */
  private static final int LATEST = 4;

  /** Folders whose modules break the ABI on purpose, to test the host's refusals. */
  private static final Set<String> DELIBERATELY_INVALID = Set.of("hostile");

  /** The modules the product ships: the default job's crawler, and the fixtures others rely on. */
  private static final List<String> SHIPPED =
      List.of("crawler/crawler.wasm", "pipeline/pipeline.wasm", "noop/noop.wasm", "echo/echo.wasm");

  /**
   * The examples of ABI version 3 (signals, child jobs) and of schedules, in the jar too: an approval
   * gate and a fan-out in AssemblyScript and in Rust (-rs), and the nightly job.
   */
  private static final List<String> EXAMPLES = List.of("approval/approval.wasm", "approval-rs/approval-rs.wasm",
      "fanout/fanout.wasm", "fanout-rs/fanout-rs.wasm", "nightly/nightly.wasm");

  /** The test workflows (workflows/testing/, not in the jar): the crash tests' and the benchmark's. */
  private static final List<String> TESTING =
      List.of("testing/sequence/sequence.wasm", "testing/steps/steps.wasm");

  /**
   * The version each workflow declares: 2 for those that fail terminally (they import fail_with), 3 for
   * those that wait for signals or spawn jobs. Every module of the corpus is listed.
   */
  private static final Map<String, Integer> DECLARED = Map.ofEntries(
      Map.entry("crawler", 1), Map.entry("echo", 1), Map.entry("noop", 1), Map.entry("pipeline", 2),
      Map.entry("sequence", 2), Map.entry("steps", 1), Map.entry("waits", 3), Map.entry("approval", 3), Map.entry("approval-rs", 3),
      Map.entry("fanout", 3), Map.entry("fanout-rs", 3), Map.entry("nightly", 2),
      Map.entry("kernel", 1), Map.entry("hostcalls", 1), Map.entry("build", 4));

  private static HostFunction v1(List<ValType> params, List<ValType> results) {
    return new HostFunction(FunctionType.of(params, results), 1);
  }

  /** Folders under workflows/ (and workflows/testing/) that build modules meant to speak the ABI. */
  static List<Path> workflowFolders() throws IOException {
    List<Path> folders = new ArrayList<>(foldersWithBuildScript(WORKFLOWS));
    folders.addAll(foldersWithBuildScript(WORKFLOWS.resolve("testing")));
    return folders;
  }

  private static List<Path> foldersWithBuildScript(Path parent) throws IOException {
    try (Stream<Path> dirs = Files.list(parent)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("build.sh")))
          .filter(d -> !DELIBERATELY_INVALID.contains(d.getFileName().toString()))
          .sorted()
          .toList();
    }
  }

  static List<Path> modules() throws IOException {
    List<Path> modules = new ArrayList<>();
    for (Path folder : workflowFolders()) {
      try (Stream<Path> files = Files.list(folder)) {
        files.filter(f -> f.getFileName().toString().endsWith(".wasm")).sorted().forEach(modules::add);
      }
    }
    return modules;
  }

  @Test
  void shippedAndTestModulesAreCommitted() {
    for (String module : Stream.of(SHIPPED, EXAMPLES, TESTING).flatMap(List::stream).toList()) {
      assertTrue(Files.isRegularFile(WORKFLOWS.resolve(module)), () -> "workflows/" + module + " is missing: run scripts/build-workflows.sh");
    }
  }

  @Test
  void everyWorkflowFolderHasABuiltModule() throws IOException {
    List<Path> folders = workflowFolders();
    assertFalse(folders.isEmpty(), "no workflow folders under " + WORKFLOWS.toAbsolutePath());
    assertTrue(folders.contains(WORKFLOWS.resolve("testing/sequence")), "workflows/testing/sequence is found");
    for (Path folder : folders) {
      try (Stream<Path> files = Files.list(folder)) {
        assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".wasm")), () -> folder + " has a build.sh but no built .wasm");
      }
    }
  }

  @Test
  void eachWorkflowDeclaresTheVersionExpected() throws IOException {
    Map<String, Path> byName = new java.util.HashMap<>();
    for (Path module : modules()) {
      byName.put(module.getFileName().toString().replaceFirst("\\.wasm$", ""), module);
    }
    DECLARED.forEach((name, version) -> {
      Path path = byName.get(name);
      assertTrue(path != null, () -> name + ".wasm is not in any workflow folder");
      assertEquals(version, declaredVersion(exports(Parser.parse(path))), () -> path + " declares ABI version");
    });
    for (Map.Entry<String, Path> module : byName.entrySet()) {
      assertTrue(DECLARED.containsKey(module.getKey()), () -> module.getValue() + " is not in DECLARED: add it with its ABI version");
    }
  }

  private static Map<String, Export> exports(WasmModule module) {
    Map<String, Export> exports = new java.util.HashMap<>();
    for (int i = 0; i < module.exportSection().exportCount(); i++) {
      Export e = module.exportSection().getExport(i);
      exports.put(e.name(), e);
    }
    return exports;
  }

  /** The highest version n the module exports {@code mvmci_abi_v<n>} for, or 0. */
  private static int declaredVersion(Map<String, Export> exports) {
    for (int v = LATEST; v >= 1; v--) {
      if (exports.containsKey("mvmci_abi_v" + v)) {
        return v;
      }
    }
    return 0;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules")
  void speaksTheHostAbiItDeclares(Path path) {
    WasmModule module = Parser.parse(path);
    Map<String, Export> exports = exports(module);
    int version = declaredVersion(exports);
    if (version == 0) {
      fail("unsupported ABI: module does not export mvmci_abi_v1 (or mvmci_abi_v2, mvmci_abi_v3, mvmci_abi_v4)");
    }
    List<FunctionType> functionImports = new ArrayList<>();
    int needed = 1;
    for (int i = 0; i < module.importSection().importCount(); i++) {
      Import imp = module.importSection().getImport(i);
      String where = "import " + imp.module() + "." + imp.name();
      assertEquals("mvmci", imp.module(), () -> where + ": a workflow imports only from module mvmci");
      if (!(imp instanceof FunctionImport function)) {
        fail(where + ": a " + imp.importType() + ", the ABI imports only functions");
        return;
      }
      HostFunction expected = ABI_IMPORTS.get(imp.name());
      assertTrue(expected != null, () -> where + ": not a host function of the ABI");
      assertTrue(expected.since() <= version,
          () -> where + " needs ABI version " + expected.since() + " but the module declares " + version);
      FunctionType actual = module.typeSection().getType(function.typeIndex());
      assertTrue(expected.type().typesMatch(actual), () -> where + ": signature " + actual + ", the ABI says " + expected.type());
      functionImports.add(actual);
      needed = Math.max(needed, expected.since());
    }
    int lowest = needed;
    assertEquals(lowest, version, () -> "declares ABI version " + version + " where its imports need " + lowest
        + ": export mvmci_abi_v" + lowest + " so that hosts of version " + lowest + " run it too");

    Export memory = exports.get("memory");
    assertTrue(memory != null && memory.exportType() == ExternalType.MEMORY, "exports its memory as \"memory\"");
    List<String> functions = new ArrayList<>(List.of("run", "mvmci_abi_v" + version));
    if (exports.containsKey("_initialize")) {
      functions.add("_initialize");
    }
    for (String name : functions) {
      Export e = exports.get(name);
      assertTrue(e != null && e.exportType() == ExternalType.FUNCTION, () -> "exports a function \"" + name + "\"");
      int index = e.index();
      FunctionType actual =
          index < functionImports.size()
              ? functionImports.get(index)
              : module.functionSection().getFunctionType(index - functionImports.size(), module.typeSection());
      assertTrue(FunctionType.empty().typesMatch(actual), () -> "export " + name + ": signature " + actual + ", the ABI says () -> ()");
    }
    // The engine's own reading of the contract agrees.
    assertDoesNotThrow(() -> AbiValidator.validate(module), () -> path + " is refused by the engine's validator");
  }
}
