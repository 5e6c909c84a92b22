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
  /**
   * The run failed; {@code reason} is readable by a person. {@code output} is what the guest last
   * passed to {@code output} before it failed (a pipeline's summary, say), maybe empty.
   */
  record Failed(FailureKind kind, String reason, byte[] output) implements RunOutcome {
    public Failed {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reason, "reason");
      output = output == null ? new byte[0] : output;
    }

    public Failed(FailureKind kind, String reason) {
      this(kind, reason, new byte[0]);
    }

    /** The same failure, carrying the output the guest had set. */
    Failed withOutput(byte[] guestOutput) {
      return new Failed(kind, reason, guestOutput);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Failed f && kind == f.kind && reason.equals(f.reason)
          && java.util.Arrays.equals(output, f.output);
    }

    @Override
    public int hashCode() {
      return Objects.hash(kind, reason, java.util.Arrays.hashCode(output));
    }

    @Override
    public String toString() {
      return "Failed[" + kind + ": " + reason + (output.length == 0 ? "" : ", " + output.length + " bytes of output") + "]";
    }
  }

  /**
   * The run must wait (ABI v3, or a long {@code sleep_ms}) and gave its thread back: what it waits for
   * is in its history, and the run that resumes it replays up to the wait.
   *
   * @param waitingFor {@code timer}, {@code signal:<name>}, or what {@link RunServices#jobOutcome} said
   * @param wakeAt when a timer is due or the wait times out (epoch ms), or -1 for never
   * @param signalsAfter for a signal: the id of the last signal of that name the run consumed, or 0
   */
  record Suspended(String waitingFor, long wakeAt, long signalsAfter) implements RunOutcome {
    public Suspended {
      Objects.requireNonNull(waitingFor, "waitingFor");
    }

    @Override
    public boolean isFinal() {
      return false;
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
