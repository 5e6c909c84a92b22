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
    }
    return Optional.empty();
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
