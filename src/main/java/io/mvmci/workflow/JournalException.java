package io.mvmci.workflow;

/** The journal could not be read or written. The run it happened in fails as a host error. */
final class JournalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
