package io.mvmci.workflow;

/**
 * A run whose journal exists but holds no final outcome: the process died, or the engine was
 * closed, while it ran. Start it again with {@link #toSpec()} to resume it.
 */
public record UnfinishedRun(String runId, ModuleRef module, byte[] input, long startedAtMillis) {
  /** A spec that resumes this run with the module version it started with. */
  public RunSpec toSpec() {
    return RunSpec.of(runId, module, input);
  }
}
