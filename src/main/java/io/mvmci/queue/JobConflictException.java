package io.mvmci.queue;

/** The job is not in a state that allows the request (cancelling a finished job, say). */
public class JobConflictException extends RuntimeException {
  public JobConflictException(String message) {
    super(message);
  }
}
