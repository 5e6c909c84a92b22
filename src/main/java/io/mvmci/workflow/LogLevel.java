package io.mvmci.workflow;

/** Level of a guest's log line; the ABI's numbers 0-3 in order. */
public enum LogLevel {
  DEBUG, INFO, WARN, ERROR;

  /** The ABI's level number, clamped into 0-3. */
  static LogLevel of(int abiLevel) {
    return values()[Math.max(0, Math.min(3, abiLevel))];
  }
}
