package io.mvmci.workflow;

import static com.dylibso.chicory.wasm.types.ValType.I32;
import static com.dylibso.chicory.wasm.types.ValType.I64;
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
 * The committed workflow modules against host ABI version 1 ({@code workflows/README.md}),
 * statically: every folder under {@code workflows/} with a {@code build.sh} has its built
 * {@code .wasm}, Chicory parses it, it exports {@code memory}, {@code run} and
 * {@code mvmci_abi_v1}, and it imports only host functions of module {@code mvmci}, with the
 * ABI's signatures. How each workflow behaves on the engine is tested with the engine.
 */
class WorkflowCorpusTest {

  private static final Path WORKFLOWS = Path.of("workflows");

  /** Every host function of ABI v1 and its signature. Keep in step with workflows/README.md. */
  private static final Map<String, FunctionType> ABI_V1_IMPORTS =
      Map.of(
          "result_read", type(List.of(I32, I32), List.of(I32)),
          "input", type(List.of(), List.of(I32)),
          "output", type(List.of(I32, I32), List.of()),
          "log", type(List.of(I32, I32, I32), List.of()),
          "progress", type(List.of(I32, I32, I32), List.of()),
          "http_request", type(List.of(I32, I32, I32), List.of(I32)),
          "now_ms", type(List.of(), List.of(I64)),
          "random_fill", type(List.of(I32, I32), List.of()),
          "sleep_ms", type(List.of(I64), List.of()),
          "fail", type(List.of(I32, I32), List.of()));

  /** Exported functions the ABI names, each {@code () -> ()}; {@code _initialize} is optional. */
  private static final List<String> REQUIRED_FUNCTIONS = List.of("run", "mvmci_abi_v1");

  /** Folders whose modules break the ABI on purpose, to test the host's refusals. */
  private static final Set<String> DELIBERATELY_INVALID = Set.of("hostile");

  /** The modules the product ships: the default job's crawler, and the fixtures others rely on. */
  private static final List<String> SHIPPED =
      List.of("crawler/crawler.wasm", "pipeline/pipeline.wasm", "noop/noop.wasm", "echo/echo.wasm");

  private static FunctionType type(List<ValType> params, List<ValType> results) {
    return FunctionType.of(params, results);
  }

  /** Folders under workflows/ that build modules meant to speak the ABI. */
  static List<Path> workflowFolders() throws IOException {
    try (Stream<Path> dirs = Files.list(WORKFLOWS)) {
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
  void shippedModulesAreCommitted() {
    for (String module : SHIPPED) {
      assertTrue(Files.isRegularFile(WORKFLOWS.resolve(module)), () -> "workflows/" + module + " is missing: run scripts/build-workflows.sh");
    }
  }

  @Test
  void everyWorkflowFolderHasABuiltModule() throws IOException {
    List<Path> folders = workflowFolders();
    assertFalse(folders.isEmpty(), "no workflow folders under " + WORKFLOWS.toAbsolutePath());
    for (Path folder : folders) {
      try (Stream<Path> files = Files.list(folder)) {
        assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".wasm")), () -> folder + " has a build.sh but no built .wasm");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules")
  void speaksHostAbiV1(Path path) {
    WasmModule module = Parser.parse(path);
    List<FunctionType> functionImports = new ArrayList<>();
    for (int i = 0; i < module.importSection().importCount(); i++) {
      Import imp = module.importSection().getImport(i);
      String where = "import " + imp.module() + "." + imp.name();
      assertEquals("mvmci", imp.module(), () -> where + ": a workflow imports only from module mvmci");
      if (!(imp instanceof FunctionImport function)) {
        fail(where + ": a " + imp.importType() + ", ABI v1 imports only functions");
        return;
      }
      FunctionType expected = ABI_V1_IMPORTS.get(imp.name());
      assertTrue(expected != null, () -> where + ": not a host function of ABI v1");
      FunctionType actual = module.typeSection().getType(function.typeIndex());
      assertTrue(expected.typesMatch(actual), () -> where + ": signature " + actual + ", ABI v1 says " + expected);
      functionImports.add(actual);
    }

    Map<String, Export> exports = new java.util.HashMap<>();
    for (int i = 0; i < module.exportSection().exportCount(); i++) {
      Export e = module.exportSection().getExport(i);
      exports.put(e.name(), e);
    }
    Export memory = exports.get("memory");
    assertTrue(memory != null && memory.exportType() == ExternalType.MEMORY, "exports its memory as \"memory\"");
    if (!exports.containsKey("mvmci_abi_v1")) {
      fail("unsupported ABI: module does not export mvmci_abi_v1");
    }
    List<String> functions = new ArrayList<>(REQUIRED_FUNCTIONS);
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
      assertTrue(FunctionType.empty().typesMatch(actual), () -> "export " + name + ": signature " + actual + ", ABI v1 says () -> ()");
    }
  }
}
