package io.mvmci.workflow;

import static com.dylibso.chicory.wasm.types.ValType.I32;
import static com.dylibso.chicory.wasm.types.ValType.I64;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The host functions of the ABI (workflows/README.md): their import names, exact signatures, and
 * the version that introduced each. The name of a journaled import is also the step kind written to
 * the history. Versions only add imports: a module of version n may import those of versions 1..n.
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
  FAIL("fail", List.of(I32, I32), List.of()),
  /** ABI v2. */
  FAIL_WITH("fail_with", List.of(I32, I32, I32), List.of(), 2),
  /** ABI v3: {@code (name_ptr, name_len, timeout_ms) -> 0 signal | 1 timed out}. */
  AWAIT_SIGNAL("await_signal", List.of(I32, I32, I64), List.of(I32), 3),
  /** ABI v3: {@code (request_ptr, request_len) -> 0 spawned | 1 refused}. */
  SPAWN_JOB("spawn_job", List.of(I32, I32), List.of(I32), 3),
  /** ABI v3: {@code (id_ptr, id_len) -> 0 Completed | 1 Failed | 2 Cancelled | -1 not a child}. */
  AWAIT_JOB("await_job", List.of(I32, I32), List.of(I32), 3),
  /** ABI v4: {@code (name_ptr, name_len) -> handle >= 0 | -1 invalid name | -2 too many open}. */
  ARTIFACT_OPEN("artifact_open", List.of(I32, I32), List.of(I32), 4),
  /** ABI v4: {@code (handle, ptr, len) -> 0 | -1 no such handle | -2 past max_artifact_bytes}. */
  ARTIFACT_WRITE("artifact_write", List.of(I32, I32, I32), List.of(I32), 4),
  /** ABI v4, journaled: {@code (handle) -> 0 stored | 1 refused | -1 no such handle}; result_read: JSON. */
  ARTIFACT_CLOSE("artifact_close", List.of(I32), List.of(I32), 4);

  static final String MODULE = "mvmci";

  private final String importName;
  private final FunctionType type;

  private final int since;

  AbiImport(String importName, List<ValType> params, List<ValType> results) {
    this(importName, params, results, 1);
  }

  AbiImport(String importName, List<ValType> params, List<ValType> results, int since) {
    this.importName = importName;
    this.type = FunctionType.of(params, results);
    this.since = since;
  }

  /** The first ABI version that has this import. */
  int since() {
    return since;
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
