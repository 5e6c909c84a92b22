package io.mvmci.workflow;

/**
 * A module deployed under a name: validated against the host ABI and compiled, ready to run.
 * Immutable and safe to share between threads.
 */
public final class WorkflowModule {
  private final String name;
  private final CompiledCode code;
  private final byte[] wasm;

  WorkflowModule(String name, CompiledCode code, byte[] wasm) {
    this.name = name;
    this.code = code;
    this.wasm = wasm.clone();
  }

  public String name() {
    return name;
  }

  /** Content hash of the module's bytes, lower-case hex. */
  public String sha256() {
    return code.sha256();
  }

  /** The module's bytes (a copy), for workers that fetch modules from the control plane. */
  public byte[] wasm() {
    return wasm.clone();
  }

  public int sizeBytes() {
    return code.sizeBytes();
  }

  /**
   * True when some function was too large for a JVM method and runs in Chicory's interpreter.
   * Such a run may ignore cancellation and time-outs while it is inside that function.
   */
  public boolean usesInterpreter() {
    return code.usesInterpreter();
  }

  public ModuleRef ref() {
    return ModuleRef.exact(name, code.sha256());
  }

  CompiledCode code() {
    return code;
  }

  @Override
  public String toString() {
    return name + "@" + code.sha256();
  }
}
