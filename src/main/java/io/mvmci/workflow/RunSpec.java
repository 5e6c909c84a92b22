package io.mvmci.workflow;

import java.time.Duration;
import java.util.Objects;

/**
 * What to run.
 *
 * @param runId caller-chosen identity of the run and of its journal (for example {@code job-7/1});
 *     starting a run id whose journal exists resumes that run
 * @param module the module to execute
 * @param input the bytes the guest reads with {@code input}; must be the same on every resume
 * @param timeout wall-clock limit of this execution, or null for the engine's default
 * @param history where the run's history is kept, or null for the engine's local journal (then the
 *     run id names the journal, and starting it again resumes it)
 * @param services what the run may ask of the cluster (signals, child jobs, suspension), or null
 */
public record RunSpec(String runId, ModuleRef module, byte[] input, Duration timeout, RunHistory history,
    RunServices services) {
  public RunSpec(String runId, ModuleRef module, byte[] input, Duration timeout) {
    this(runId, module, input, timeout, null, null);
  }

  public RunSpec(String runId, ModuleRef module, byte[] input, Duration timeout, RunHistory history) {
    this(runId, module, input, timeout, history, null);
  }

  public RunSpec {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(input, "input");
    if (runId.isBlank() || runId.length() > 200) {
      throw new IllegalArgumentException("run id must be 1-200 characters, not blank: \"" + runId + "\"");
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  public static RunSpec of(String runId, ModuleRef module, byte[] input) {
    return new RunSpec(runId, module, input, null);
  }

  public RunSpec withTimeout(Duration timeout) {
    return new RunSpec(runId, module, input, timeout, history, services);
  }

  /** This run with its history kept in {@code history} instead of the engine's journal. */
  public RunSpec withHistory(RunHistory history) {
    return new RunSpec(runId, module, input, timeout, history, services);
  }

  /**
   * This run with the cluster's services (signals, child jobs, giving its thread back while it
   * waits); only with a history kept outside the engine.
   */
  public RunSpec withServices(RunServices services) {
    return new RunSpec(runId, module, input, timeout, history, services);
  }
}
