package io.mvmci;

import io.mvmci.config.HostPort;
import io.mvmci.config.NodeConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a node checks before Spring, Raft or Tomcat start, so that the commonest ways to fail end
 * with one line and nothing half-started: a data directory that cannot be written, and a port another
 * process holds. A port taken between this check and the bind still fails, through the same one-line
 * path ({@link StartupFailure#of}).
 */
final class StartupChecks {
  private StartupChecks() {}

  static void run(NodeConfig config) {
    port(config.httpBind(), StartupFailure.HTTP);
    port(config.raftBind(), StartupFailure.RAFT);
    dataDirectory(config.dataDir());
  }

  static void dataDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.delete(Files.createTempFile(dir, ".write-check-", ""));
    } catch (FileSystemException e) {
      throw new StartupFailure(ExitCodes.CANT_CREATE, "cannot write the data directory " + dir + ": "
          + StartupFailure.reason(e), e);
    } catch (IOException e) {
      throw new StartupFailure(ExitCodes.CANT_CREATE, "cannot write the data directory " + dir + ": "
          + e.getMessage(), e);
    }
  }

  /** @param what which port this is and which settings choose it */
  static void port(HostPort address, String what) {
    if (address.port() == 0) {
      return;
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(address.host(), address.port()));
    } catch (BindException e) {
      String message = String.valueOf(e.getMessage());
      throw new StartupFailure(ExitCodes.FAILED, message.contains("in use")
          ? "port " + address.port() + " on " + address.host() + " is in use (" + what
              + "); stop the other process or choose another port"
          : "cannot listen on " + address.host() + ":" + address.port() + " (" + what + "): " + message, e);
    } catch (IOException e) {
      throw new StartupFailure(ExitCodes.FAILED, "cannot listen on " + address.host() + ":" + address.port()
          + " (" + what + "): " + e.getMessage(), e);
    }
  }
}
