package io.mvmci.command;

/**
 * A log entry or reply that does not decode. On the apply path this is fatal: it means a corrupt
 * log or a node too old for the log, and the node must stop rather than diverge.
 */
public class MalformedCommandException extends RuntimeException {
  public MalformedCommandException(String message) {
    super(message);
  }
}
