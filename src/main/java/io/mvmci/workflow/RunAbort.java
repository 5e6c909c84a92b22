package io.mvmci.workflow;

/**
 * Thrown by a host function to end the run it serves. It unwinds through the guest's code
 * (compiled guest code catches only WebAssembly exceptions), and the run thread turns it into
 * the run's outcome.
 */
abstract sealed class RunAbort extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private RunAbort(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /** The guest called {@code fail}, or {@code fail_with} ({@code terminal}: do not retry). */
  static final class GuestFailed extends RunAbort {
    private static final long serialVersionUID = 1L;
    final boolean terminal;

    GuestFailed(String message, boolean terminal) {
      super(message, null);
      this.terminal = terminal;
    }
  }

  /** The run's history would break one of its limits. */
  static final class LimitBroken extends RunAbort {
    private static final long serialVersionUID = 1L;

    LimitBroken(String message) {
      super(message, null);
    }
  }

  /** The run's claim is no longer current: its history refuses it. */
  static final class ClaimLost extends RunAbort {
    private static final long serialVersionUID = 1L;

    ClaimLost(String message) {
      super(message, null);
    }
  }

  /** The run must wait: it ends, giving its thread back, and is resumed when the wait is over. */
  static final class Suspend extends RunAbort {
    private static final long serialVersionUID = 1L;
    final transient RunOutcome.Suspended outcome;

    Suspend(String waitingFor, long wakeAt, long signalsAfter) {
      super("waiting for " + waitingFor, null);
      this.outcome = new RunOutcome.Suspended(waitingFor, wakeAt, signalsAfter);
    }
  }

  /** The guest's step differs from its journal's. */
  static final class Diverged extends RunAbort {
    private static final long serialVersionUID = 1L;

    Diverged(String message) {
      super(message, null);
    }
  }

  /** The run was asked to stop (cancel, timeout, shutdown) or its thread was interrupted. */
  static final class Stopped extends RunAbort {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("run stopped", null);
    }
  }

  /** A host function failed for a reason that is not the guest's doing. */
  static final class HostBroke extends RunAbort {
    private static final long serialVersionUID = 1L;

    HostBroke(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
