package io.mvmci.workflow;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.InvalidException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.UnlinkableException;

/** Turns whatever ended a run abnormally into a failed outcome with a readable reason. */
final class FailureClassifier {
  static final String STACK_EXHAUSTED = "call stack exhausted";

  private FailureClassifier() {}

  /**
   * @param stop the stop that was requested (cancel, timeout, shutdown), or null; it explains an
   *     interruption
   */
  static RunOutcome.Failed classify(Throwable t, RunOutcome.Failed stop) {
    boolean interrupted = t instanceof RunAbort.Stopped || t instanceof ChicoryInterruptedException;
    if (stop != null && (interrupted || t instanceof RunAbort.HostBroke)) {
      return stop;
    }
    if (interrupted) {
      return failed(FailureKind.CANCELLED, "cancelled: the run's thread was interrupted");
    }
    if (t instanceof RunAbort.GuestFailed g) {
      return failed(g.terminal ? FailureKind.GUEST_FAILED_TERMINAL : FailureKind.GUEST_FAILED, t.getMessage());
    }
    if (t instanceof RunAbort.LimitBroken) {
      return failed(FailureKind.HISTORY_LIMIT, t.getMessage());
    }
    if (t instanceof RunAbort.ClaimLost) {
      return failed(FailureKind.CLAIM_LOST, t.getMessage());
    }
    if (t instanceof RunAbort.Diverged) {
      return failed(FailureKind.NON_DETERMINISTIC, t.getMessage());
    }
    if (t instanceof RunAbort.HostBroke || t instanceof JournalException) {
      return failed(FailureKind.HOST_ERROR, t.getMessage());
    }
    if (t instanceof StackOverflowError
        || t instanceof ChicoryException && STACK_EXHAUSTED.equals(t.getMessage())) {
      return failed(FailureKind.STACK_EXHAUSTED, STACK_EXHAUSTED);
    }
    if (t instanceof OutOfMemoryError) {
      return failed(FailureKind.RESOURCE_LIMIT, "the host ran out of memory: " + t.getMessage());
    }
    if (t instanceof UninstantiableException && t.getCause() instanceof ChicoryException cause) {
      return failed(FailureKind.TRAP, "trap in the start function: " + describe(cause));
    }
    if (t instanceof UninstantiableException || t instanceof UnlinkableException
        || t instanceof InvalidException) {
      return failed(FailureKind.INVALID_MODULE, "module cannot be instantiated: " + describe(t));
    }
    if (t instanceof RuntimeException) {
      return failed(FailureKind.TRAP, "trap: " + describe(t));
    }
    return failed(FailureKind.HOST_ERROR, "unexpected " + t);
  }

  private static String describe(Throwable t) {
    if (t instanceof ChicoryException && t.getMessage() != null) {
      return t.getMessage();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private static RunOutcome.Failed failed(FailureKind kind, String reason) {
    return new RunOutcome.Failed(kind, reason);
  }
}
