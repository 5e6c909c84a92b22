package io.mvmci;

/**
 * Exit statuses of every {@code mvm-ci} command. 0 and 2 are picocli's conventions; the others follow
 * sysexits.h. {@code backup} and {@code restore} add their own (see {@code BackupCli}).
 */
final class ExitCodes {
  static final int OK = 0;
  /** The node or worker could not start (a port in use, say), or stopped on an error. */
  static final int FAILED = 1;
  /** A wrong, missing or unknown option or argument (or an environment variable standing for one). */
  static final int USAGE = 2;
  /** EX_DATAERR: a file in the data directory is not what it should be (not a database, corrupt). */
  static final int DATA_ERROR = 65;
  /** EX_CANTCREAT: the data directory cannot be created or written (full, read-only, in use). */
  static final int CANT_CREATE = 73;
  /** EX_CONFIG: the configuration file or an environment override of it is invalid. */
  static final int CONFIG = 78;

  private ExitCodes() {}
}
