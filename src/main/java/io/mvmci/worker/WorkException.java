package io.mvmci.worker;

/** The queue could not be reached or did not answer; what the call did is unknown. */
public class WorkException extends RuntimeException {
  public WorkException(String message, Throwable cause) {
    super(message, cause);
  }

  public WorkException(String message) {
    super(message);
  }
}
