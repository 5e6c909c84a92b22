package io.mvmci.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports, so that suites can run side by side. Each port is handed out once per JVM:
 * Linux readily gives the port just closed to the next bind(0), and two members on one port is a
 * test bug that looks like a product bug.
 *
 * <p>Ports are drawn at random below Linux's ephemeral range (32768-60999 by default), not by
 * bind(0), which hands out ports from that range: there the kernel also picks the local port of
 * every outgoing connection, so between the choice and the listener's bind a client socket of a
 * node, of another test JVM (the suite runs three at once) or of any process could take it ("Address
 * already in use" in ReplicatedQueueTest). Below the range only another listener can, and the
 * draw is checked by binding.
 *
 * <p>The suite's JVMs run side by side, and one JVM's check cannot see the port another has drawn and
 * not yet bound: a Raft server that lost that race made Ratis call {@code System.exit(1)}, which took
 * down a whole fork in CI ("The forked VM terminated without properly saying goodbye"). So each fork
 * draws from a quarter of the range of its own ({@code mvmci.test.fork}, surefire's fork number, set in
 * the pom), and {@link NoSystemExit} turns Ratis's exit into an exception in every test JVM.
 */
public final class FreePorts {
  /** The lowest and highest (exclusive) ports drawn: this fork's quarter of 20,000-32,767. */
  static final int LOW;
  static final int HIGH;

  static {
    int fork = Integer.getInteger("mvmci.test.fork", 0);
    int quarter = (32_768 - 20_000) / 4;
    LOW = fork <= 0 ? 20_000 : 20_000 + ((fork - 1) % 4) * quarter;
    HIGH = fork <= 0 ? 32_768 : LOW + quarter;
  }
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A loopback port nobody listens on and this JVM has not handed out before. */
  public static int next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int tries = 0; tries < 10_000; tries++) {
      int port = random.nextInt(LOW, HIGH);
      if (HANDED_OUT.contains(port) || !bindable(port)) {
        continue;
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port from " + LOW + " to " + (HIGH - 1));
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
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
