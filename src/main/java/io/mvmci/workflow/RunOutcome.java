package io.mvmci.workflow;

import java.util.Objects;

/** How a run ended. */
public sealed interface RunOutcome {

  /** {@code run} returned; {@code output} is what the guest last passed to {@code output} (maybe empty). */
  record Succeeded(byte[] output) implements RunOutcome {
    public Succeeded {
      Objects.requireNonNull(output, "output");
    }

    @Override
    public String toString() {
      return "Succeeded[" + output.length + " bytes]";
    }
  }

  /** The run failed; {@code reason} is readable by a person. */
  record Failed(FailureKind kind, String reason) implements RunOutcome {
    public Failed {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reason, "reason");
    }
  }

  static RunOutcome succeeded(byte[] output) {
    return new Succeeded(output);
  }

  static RunOutcome failed(FailureKind kind, String reason) {
    return new Failed(kind, reason);
  }

  /** Whether this outcome is recorded in the journal as the run's final one. */
  default boolean isFinal() {
    return !(this instanceof Failed f) || f.kind().isFinal();
  }
}
