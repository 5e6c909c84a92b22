package io.mvmci.workflow;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.function.Function;
import org.objectweb.asm.MethodTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validated module compiled to JVM bytecode once; every run instantiates it with
 * {@link #machines()}. Immutable and shared by every run and every name deployed with the
 * same bytes.
 *
 * <p>Chicory 1.7.5's compiler hands a function whose bytecode would exceed the JVM's 64 KiB
 * method limit to its interpreter. We ask the compiler to refuse first so that we know when
 * that happens: the interpreter does not check for interruption on {@code br_if}, so a run
 * stuck in such a function cannot be stopped (see DESIGN.md, "Failure model").
 */
record CompiledCode(
    String sha256, int sizeBytes, WasmModule wasm, Function<Instance, Machine> machines,
    boolean usesInterpreter, long compileMillis) {

  private static final Logger LOG = LoggerFactory.getLogger(CompiledCode.class);

  static CompiledCode compile(byte[] bytes) throws InvalidModuleException {
    String sha256 = Sha256.hex(bytes);
    long started = System.nanoTime();
    WasmModule wasm;
    try {
      wasm = Parser.parse(bytes);
    } catch (RuntimeException e) {
      throw new InvalidModuleException("not a valid WebAssembly module: " + e.getMessage(), e);
    }
    AbiValidator.validate(wasm);
    Function<Instance, Machine> machines;
    boolean interpreted = false;
    try {
      machines = compiler(wasm, InterpreterFallback.FAIL);
    } catch (ChicoryException e) {
      if (!(e.getCause() instanceof MethodTooLargeException)) {
        throw new InvalidModuleException("module cannot be compiled: " + e.getMessage(), e);
      }
      LOG.warn("module {}: {}; such functions run in Chicory's interpreter, where a run"
          + " cannot always be stopped", sha256, e.getMessage());
      try {
        machines = compiler(wasm, InterpreterFallback.SILENT);
      } catch (RuntimeException again) {
        throw new InvalidModuleException("module cannot be compiled: " + again.getMessage(), again);
      }
      interpreted = true;
    } catch (RuntimeException e) {
      throw new InvalidModuleException("module cannot be compiled: " + e, e);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    return new CompiledCode(sha256, bytes.length, wasm, machines, interpreted, millis);
  }

  private static Function<Instance, Machine> compiler(WasmModule wasm, InterpreterFallback fallback) {
    return MachineFactoryCompiler.builder(wasm).withInterpreterFallback(fallback).compile();
  }

  /** Whether the module exports {@code _initialize}, to be called before {@code run}. */
  boolean exportsInitialize() {
    var exports = wasm.exportSection();
    for (int i = 0; i < exports.exportCount(); i++) {
      if (exports.getExport(i).name().equals(AbiValidator.INITIALIZE_EXPORT)) {
        return true;
      }
    }
    return false;
  }

  /** Pages of linear memory the module asks for at instantiation. */
  int initialPages() {
    return wasm.memorySection()
        .map(s -> s.getMemory(0).limits().initialPages())
        .orElse(0);
  }
}
