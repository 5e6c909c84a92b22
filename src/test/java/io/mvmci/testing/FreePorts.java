package io.mvmci.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free loopback ports, so that suites can run side by side. Each port is handed out once per JVM:
 * Linux readily gives the port just closed to the next bind(0), and two members on one port is a
 * test bug that looks like a product bug.
 */
public final class FreePorts {
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A loopback port nobody listens on and this JVM has not handed out before. */
  public static int next() {
    while (true) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** {@code 127.0.0.1:<a free port>}: the address of a Raft peer, a node's HTTP server, ... */
  public static String loopbackAddress() {
    return "127.0.0.1:" + next();
  }

  /** A URL on 127.0.0.1 on which nothing listens. */
  public static String closedPortUrl() {
    return "http://" + loopbackAddress() + "/";
  }
}
