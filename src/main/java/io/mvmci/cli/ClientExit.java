package io.mvmci.cli;

/**
 * Exit statuses of the client commands, for scripts. 0 and 2 as everywhere in {@code mvm-ci}; the
 * job's outcome is 1; the API's refusals and the transport's failures follow sysexits.h where one fits.
 */
public final class ClientExit {
  /** Done; for {@code --wait} and {@code logs --follow}: the job Completed. */
  public static final int OK = 0;
  /** The job waited for ended Failed or Cancelled. */
  public static final int JOB_FAILED = 1;
  /** A wrong option or argument. */
  public static final int USAGE = 2;
  /** No such job or module (404). */
  public static final int NOT_FOUND = 3;
  /** The job is not in a state that allows it (409), e.g. cancelling a finished job. */
  public static final int CONFLICT = 4;
  /** --wait ran out before the job finished. */
  public static final int TIMEOUT = 5;
  /** EX_DATAERR: the API refused the request as invalid (400, 413, 415). */
  public static final int INVALID = 65;
  /** EX_UNAVAILABLE: no node answered, or the cluster has no quorum (503). */
  public static final int UNAVAILABLE = 69;
  /** EX_SOFTWARE: the node failed (500) or answered something this client does not understand. */
  public static final int SERVER = 70;
  /** EX_NOPERM: the token is missing or wrong (401, 403). */
  public static final int AUTH = 77;

  private ClientExit() {}

  static int ofStatus(int http) {
    return switch (http) {
      case 400, 413, 415, 422 -> INVALID;
      case 401, 403 -> AUTH;
      case 404 -> NOT_FOUND;
      case 409 -> CONFLICT;
      case 502, 503, 504 -> UNAVAILABLE;
      default -> SERVER;
    };
  }
}
