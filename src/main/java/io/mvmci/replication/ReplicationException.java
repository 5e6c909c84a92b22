package io.mvmci.replication;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The cluster could not commit or read right now: no leader, no quorum, a timeout, or backpressure.
 * Whether a timed-out write took effect is unknown; {@link #retryable()} says whether retrying the
 * same request is harmless (it is when the command never left this node).
 */
public class ReplicationException extends RuntimeException {
  private final boolean retryable;

  public ReplicationException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public ReplicationException(String message, Throwable cause) {
    super(message, cause);
    this.retryable = false;
  }

  public boolean retryable() {
    return retryable;
  }

  public static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
