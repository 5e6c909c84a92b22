package io.mvmci.config;

import java.util.Locale;

/**
 * A host and a TCP port, as written in configuration. The host is a hostname, an IPv4 address
 * or an IPv6 address (stored without brackets). Nothing is resolved: DNS is the caller's
 * business when it binds or dials.
 */
public record HostPort(String host, int port) {

  public HostPort {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, was " + port);
    }
  }

  /**
   * Parses {@code host:port} (an IPv6 host in brackets).
   *
   * @throws IllegalArgumentException with what is wrong, if it is not one
   */
  public static HostPort parse(String s) {
    return Addresses.hostPort(s);
  }

  /** The same host with another port. */
  public HostPort withPort(int newPort) {
    return new HostPort(host, newPort);
  }

  /** True when both name the same endpoint as written (hosts compared case-insensitively). */
  public boolean sameEndpoint(HostPort other) {
    return port == other.port
        && host.toLowerCase(Locale.ROOT).equals(other.host.toLowerCase(Locale.ROOT));
  }

  /** {@code host:port}, with an IPv6 host in brackets: {@code [::1]:9000}. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
