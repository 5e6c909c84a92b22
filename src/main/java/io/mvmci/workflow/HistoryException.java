package io.mvmci.workflow;

/** A {@link RunHistory} could not record or read a step; the run stops. */
public class HistoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why. */
  public enum Why {
    /** The run's claim is no longer current (cancelled, expired, taken over): stop without a report. */
    STALE,
    /** The history would break one of its limits: the run fails for good, with the reason. */
    LIMIT,
    /** The history cannot be reached or was interrupted: the run stops and can be resumed. */
    UNAVAILABLE
  }

  private final Why why;

  public HistoryException(Why why, String message) {
    super(message);
    this.why = why;
  }

  public HistoryException(Why why, String message, Throwable cause) {
    super(message, cause);
    this.why = why;
  }

  public Why why() {
    return why;
  }
}
