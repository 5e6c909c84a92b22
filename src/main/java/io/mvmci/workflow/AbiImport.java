package io.mvmci.workflow;

import static com.dylibso.chicory.wasm.types.ValType.I32;
import static com.dylibso.chicory.wasm.types.ValType.I64;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The host functions of ABI version 1 (workflows/README.md): their import names and exact
 * signatures. The name of a journaled import is also the step kind written to the journal.
 */
enum AbiImport {
  INPUT("input", List.of(), List.of(I32)),
  RESULT_READ("result_read", List.of(I32, I32), List.of(I32)),
  OUTPUT("output", List.of(I32, I32), List.of()),
  LOG("log", List.of(I32, I32, I32), List.of()),
  PROGRESS("progress", List.of(I32, I32, I32), List.of()),
  HTTP_REQUEST("http_request", List.of(I32, I32, I32), List.of(I32)),
  NOW_MS("now_ms", List.of(), List.of(I64)),
  RANDOM_FILL("random_fill", List.of(I32, I32), List.of()),
  SLEEP_MS("sleep_ms", List.of(I64), List.of()),
  FAIL("fail", List.of(I32, I32), List.of());

  static final String MODULE = "mvmci";

  private final String importName;
  private final FunctionType type;

  AbiImport(String importName, List<ValType> params, List<ValType> results) {
    this.importName = importName;
    this.type = FunctionType.of(params, results);
  }

  String importName() {
    return importName;
  }

  FunctionType type() {
    return type;
  }

  static Optional<AbiImport> byName(String name) {
    for (AbiImport i : values()) {
      if (i.importName.equals(name)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /** Renders a signature the way workflows/README.md writes it: {@code (i32, i32) -> i32}. */
  static String render(FunctionType type) {
    String params = type.params().stream().map(AbiImport::render).collect(Collectors.joining(", "));
    List<ValType> results = type.returns();
    String result =
        results.isEmpty()
            ? "()"
            : results.size() == 1
                ? render(results.get(0))
                : results.stream().map(AbiImport::render).collect(Collectors.joining(", ", "(", ")"));
    return "(" + params + ") -> " + result;
  }

  private static String render(ValType t) {
    if (t.equals(ValType.I32)) {
      return "i32";
    }
    if (t.equals(ValType.I64)) {
      return "i64";
    }
    if (t.equals(ValType.F32)) {
      return "f32";
    }
    if (t.equals(ValType.F64)) {
      return "f64";
    }
    return t.toString().toLowerCase(java.util.Locale.ROOT);
  }
}
