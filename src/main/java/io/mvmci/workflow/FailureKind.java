package io.mvmci.workflow;

/** Why a run failed. The reason text that comes with it is for people; this is for code. */
public enum FailureKind {
  /** The guest called {@code fail}; the reason is its message. */
  GUEST_FAILED,
  /** The guest called {@code fail_with} marking the failure terminal: the job is not retried. */
  GUEST_FAILED_TERMINAL,
  /** The run's history would break a limit (a step's result, or the history, too large): no retry. */
  HISTORY_LIMIT,
  /** The run's claim was lost (cancelled, expired, taken over) while it ran. Resumable elsewhere. */
  CLAIM_LOST,
  /** The guest trapped: {@code unreachable}, an out-of-bounds access, a misused host function. */
  TRAP,
  /** The guest's call stack outgrew the run thread's stack. */
  STACK_EXHAUSTED,
  /** The run ran past its wall-clock timeout. */
  TIMEOUT,
  /** The run was cancelled. */
  CANCELLED,
  /** The run diverged from its journal: another step, or it ended before its journal did. */
  NON_DETERMINISTIC,
  /** The module named by the run is not deployed on this node (maybe not yet). Resumable. */
  UNKNOWN_MODULE,
  /** The module could not be instantiated (for example a data segment outside its memory). */
  INVALID_MODULE,
  /** The module needs more than this node allows (memory at start), or the host ran out of memory. */
  RESOURCE_LIMIT,
  /** The engine failed, not the guest (the journal could not be written, for example). Resumable. */
  HOST_ERROR,
  /** The engine was closed while the run was going on. Resumable. */
  SHUTDOWN;

  /**
   * Whether a failure of this kind is the run's final outcome, recorded in its journal. A run
   * that ended otherwise is still unfinished and resumes from its journal when started again.
   */
  public boolean isFinal() {
    return this != HOST_ERROR && this != SHUTDOWN && this != UNKNOWN_MODULE && this != CLAIM_LOST;
  }
}
