package io.mvmci.worker;

/** The queue could not be reached or did not answer; what the call did is unknown. */
public class WorkException extends RuntimeException {
  public WorkException(String message, Throwable cause) {
    super(message, cause);
  }

  public WorkException(String message) {
    super(message);
  }

  /** The queue answered and refused the call (the control plane's 4xx): sending it again will not help. */
  public static final class Refused extends WorkException {
    public Refused(String message) {
      super(message);
    }
  }
}
