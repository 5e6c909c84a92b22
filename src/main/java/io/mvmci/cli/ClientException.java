package io.mvmci.cli;

/** A request that did not succeed: one line for the person, and the exit status for the script. */
final class ClientException extends RuntimeException {
  final int exitCode;

  ClientException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }
}
