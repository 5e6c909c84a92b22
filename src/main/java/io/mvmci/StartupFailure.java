package io.mvmci;

import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import org.springframework.boot.web.server.PortInUseException;

/**
 * Why a node could not start, in one line an operator can act on, with the exit status to end with.
 * {@link #of} recognises the failures that come from the machine rather than from a bug (a port in
 * use, a file the node may not touch); anything else keeps its stack trace.
 */
final class StartupFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** Which port, and which settings choose it. */
  static final String HTTP = "HTTP: listen_addr_api, this node's http port in node.nodes, or HTTP_PORT";
  static final String RAFT = "Raft: listen_addr_raft and this node's raft port in node.nodes";

  private final int exitCode;

  StartupFailure(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }

  /** The failure {@code thrown} amounts to, if it is one of the recognised kinds; else empty. */
  static Optional<StartupFailure> of(Throwable thrown) {
    Optional<StartupFailure> data = dataDirectory(thrown);
    if (data.isPresent()) {
      return data;
    }
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof StartupFailure f) {
        return Optional.of(f);
      }
      if (t instanceof PortInUseException p) {
        return Optional.of(new StartupFailure(ExitCodes.FAILED, "port " + p.getPort() + " is in use ("
            + HTTP + "); stop the other process or choose another port", thrown));
      }
      if (t.getCause() instanceof BindException) {
        return Optional.of(new StartupFailure(ExitCodes.FAILED, t.getMessage(), thrown));
      }
      if (t instanceof AccessDeniedException e) {
        return Optional.of(new StartupFailure(ExitCodes.CANT_CREATE,
            "cannot access " + e.getFile() + ": " + reason(e), thrown));
      }
      if (t instanceof FileSystemException e && e.getFile() != null) {
        // e.g. Raft's storage: a file where a directory belongs ("Not a directory"), a full disk
        return Optional.of(new StartupFailure(ExitCodes.CANT_CREATE, "cannot use " + e.getFile() + ": " + reason(e)
            + "; check the data directory (data_dir)", thrown));
      }
    }
    return Optional.empty();
  }

  /**
   * A data directory the node cannot use: its Raft storage locked by another process (a second node on
   * the same data_dir), or a database that is not one, or one on a disk that cannot take writes. The
   * line is the message of the outermost cause that names the file ("cannot open ..."), else SQLite's.
   */
  static Optional<StartupFailure> dataDirectory(Throwable thrown) {
    String named = null;
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (t instanceof java.io.IOException && m != null && m.startsWith("Failed to lock storage ")) {
        String dir = m.substring("Failed to lock storage ".length()).replaceFirst("\\. The directory is already locked.*", "");
        return Optional.of(new StartupFailure(ExitCodes.CANT_CREATE, "the Raft storage " + dir + " is locked by"
            + " another process: another node runs on this data directory; stop it, or give this node a"
            + " data_dir of its own", thrown));
      }
      if (named == null && m != null && m.startsWith("cannot open ")) {
        named = m;
      }
      if (t instanceof org.sqlite.SQLiteException e) {
        int code = e.getResultCode().code & 0xff;
        String line = named != null ? named : m;
        if (code == 26 /* NOTADB */ || code == 11 /* CORRUPT */) {
          return Optional.of(new StartupFailure(ExitCodes.DATA_ERROR, line + "; restore it from a backup, or move"
              + " it away to have the node rebuild it from the cluster", thrown));
        }
        if (code == 13 /* FULL */ || code == 8 /* READONLY */ || code == 10 /* IOERR */ || code == 14 /* CANTOPEN */) {
          return Optional.of(new StartupFailure(ExitCodes.CANT_CREATE, line + "; free space in the data"
              + " directory or make it writable", thrown));
        }
        if (code == 5 /* BUSY */ || code == 6 /* LOCKED */) {
          return Optional.of(new StartupFailure(ExitCodes.CANT_CREATE, line + "; another process holds it", thrown));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Any other failure in one line: the innermost cause that says something, with its class (the log
   * holds the stack trace), so that a failed start never ends in a screen of stack frames.
   */
  static String oneLine(Throwable thrown) {
    Throwable said = thrown;
    for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        said = t;
      }
    }
    String m = said.getMessage() == null ? "" : ": " + said.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
    return "the node did not start: " + said.getClass().getName() + m + " (the log has the stack trace)";
  }

  /** What the operating system said, as {@code ls} would say it. */
  static String reason(FileSystemException e) {
    if (e.getReason() != null) {
      return e.getReason();
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "No such file or directory";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "a file of that name is in the way";
    }
    return e.getClass().getSimpleName();
  }
}
