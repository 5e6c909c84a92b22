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
 */
public record RunSpec(String runId, ModuleRef module, byte[] input, Duration timeout) {
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
    return new RunSpec(runId, module, input, timeout);
  }
}
