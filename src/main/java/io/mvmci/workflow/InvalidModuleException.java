package io.mvmci.workflow;

/**
 * A module was refused: it is not WebAssembly, breaks the host ABI, or cannot be compiled.
 * The message is meant for the person who deployed the module. The outcome depends only on
 * the module's bytes, so every node refuses the same module with the same message.
 */
public final class InvalidModuleException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidModuleException(String message) {
    super(message);
  }

  public InvalidModuleException(String message, Throwable cause) {
    super(message, cause);
  }
}
