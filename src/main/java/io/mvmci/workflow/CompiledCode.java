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
    boolean usesInterpreter, long compileMillis, boolean cached) {

  private static final Logger LOG = LoggerFactory.getLogger(CompiledCode.class);

  static CompiledCode compile(byte[] bytes) throws InvalidModuleException {
    return compile(bytes, CompileCache.NONE);
  }

  /** As {@link #compile(byte[])}, loading the compiler's output from {@code cache} if it holds it. */
  static CompiledCode compile(byte[] bytes, CompileCache cache) throws InvalidModuleException {
    String sha256 = Sha256.hex(bytes);
    try {
      return compile(bytes, sha256, cache);
    } catch (InvalidModuleException | RuntimeException e) {
      if (!cache.has(sha256, InterpreterFallback.FAIL) && !cache.has(sha256, InterpreterFallback.SILENT)) {
        throw e;
      }
      LOG.warn("module {}: its compiled classes in the cache could not be used ({}); compiling it again",
          sha256, e.getMessage());
      cache.drop(sha256, InterpreterFallback.FAIL);
      cache.drop(sha256, InterpreterFallback.SILENT);
      return compile(bytes, sha256, cache);
    }
  }

  private static CompiledCode compile(byte[] bytes, String sha256, CompileCache cache) throws InvalidModuleException {
    long started = System.nanoTime();
    WasmModule wasm = validate(bytes);
    Function<Instance, Machine> machines;
    boolean interpreted = cache.has(sha256, InterpreterFallback.SILENT);
    boolean cached = interpreted || cache.has(sha256, InterpreterFallback.FAIL);
    if (interpreted) {
      LOG.warn("module {} has a function too large for the compiler; such functions run in Chicory's"
          + " interpreter, where a run cannot always be stopped", sha256);
      try {
        machines = compiler(wasm, InterpreterFallback.SILENT, sha256, cache);
      } catch (RuntimeException e) {
        throw new InvalidModuleException("module cannot be compiled: " + e.getMessage(), e);
      }
      return new CompiledCode(sha256, bytes.length, wasm, machines, true, (System.nanoTime() - started) / 1_000_000,
          true);
    }
    try {
      machines = compiler(wasm, InterpreterFallback.FAIL, sha256, cache);
    } catch (ChicoryException e) {
      if (!(e.getCause() instanceof MethodTooLargeException)) {
        throw new InvalidModuleException("module cannot be compiled: " + e.getMessage(), e);
      }
      LOG.warn("module {}: {}; such functions run in Chicory's interpreter, where a run"
          + " cannot always be stopped", sha256, e.getMessage());
      try {
        machines = compiler(wasm, InterpreterFallback.SILENT, sha256, cache);
      } catch (RuntimeException again) {
        throw new InvalidModuleException("module cannot be compiled: " + again.getMessage(), again);
      }
      interpreted = true;
      cached = false;
    } catch (RuntimeException e) {
      throw new InvalidModuleException("module cannot be compiled: " + e, e);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    return new CompiledCode(sha256, bytes.length, wasm, machines, interpreted, millis, cached);
  }

  /**
   * Parses and checks a module against the host ABI, without compiling it: any bytes either give a
   * module or an {@link InvalidModuleException} (ModuleValidatorFuzzTest holds it to that).
   */
  static WasmModule validate(byte[] bytes) throws InvalidModuleException {
    WasmModule wasm;
    NameLengths.check(bytes);
    try {
      wasm = Parser.parse(bytes);
    } catch (RuntimeException e) {
      throw new InvalidModuleException("not a valid WebAssembly module: " + e.getMessage(), e);
    } catch (OutOfMemoryError e) {
      // A declared count Chicory allocated before reading (see NameLengths): one array too big for the
      // heap, failed as a whole, so the node's other work goes on.
      throw new InvalidModuleException("not a valid WebAssembly module: it declares more than this node"
          + " can allocate to parse it", e);
    } catch (AssertionError e) {
      // With assertions on (-ea), Chicory's parser asserts on some malformed code (an `else` with no
      // `if`) before its own check would refuse it with an InvalidException; either way the bytes are
      // not a module.
      throw new InvalidModuleException("not a valid WebAssembly module: malformed code section", e);
    }
    AbiValidator.validate(wasm);
    return wasm;
  }

  private static Function<Instance, Machine> compiler(WasmModule wasm, InterpreterFallback fallback, String sha256,
      CompileCache cache) {
    MachineFactoryCompiler.Builder b = MachineFactoryCompiler.builder(wasm).withInterpreterFallback(fallback);
    if (cache.enabled()) {
      b.withCache(cache.forModule(sha256, fallback));
    }
    return b.compile();
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
