package io.mvmci.ops.backup;

/** A backup cannot be made, read or restored; the message says why and what to do, for a person. */
public final class BackupException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean targetHasState;

  public BackupException(String message) {
    this(message, null, false);
  }

  public BackupException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private BackupException(String message, Throwable cause, boolean targetHasState) {
    super(message, cause);
    this.targetHasState = targetHasState;
  }

  /** A restore refused because the target data directory is not fresh. */
  static BackupException targetHasState(String message) {
    return new BackupException(message, null, true);
  }

  /** Whether the refusal was about the target (not the backup file). */
  public boolean targetHasState() {
    return targetHasState;
  }
}
