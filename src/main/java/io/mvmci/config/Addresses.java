package io.mvmci.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Syntax checks for hosts and {@code host:port} strings. Nothing here touches DNS: a name is
 * checked for shape only, an IPv6 literal is parsed in brackets (which the JDK never looks up).
 * Each method throws {@link IllegalArgumentException} whose message is the reason for an
 * operator.
 */
final class Addresses {
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
  // RFC 1123 labels; '_' is accepted because container runtimes resolve names that have it.
  private static final Pattern HOSTNAME =
      Pattern.compile("(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
          + "(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");
  private static final Pattern PORT = Pattern.compile("\\d{1,5}");

  private Addresses() {}

  /** A host without port (a listen address): hostname, IPv4, IPv6 with or without brackets. */
  static String host(String s) {
    if (s.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    if (s.startsWith("[") && s.endsWith("]")) {
      return ipv6(s.substring(1, s.length() - 1));
    }
    if (s.indexOf(':') >= 0) {
      if (s.indexOf(':') == s.lastIndexOf(':')) {
        throw new IllegalArgumentException(
            "must be an address without a port (the port comes from this node's entry in nodes)");
      }
      return ipv6(s);
    }
    return nameOrIpv4(s);
  }

  /** {@code host:port}; an IPv6 host must be in brackets: {@code [::1]:9000}. */
  static HostPort hostPort(String s) {
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("must be host:port, with an IPv6 host as [addr]:port");
      }
      host = ipv6(s.substring(1, close));
      port = s.substring(close + 2);
    } else {
      int colon = s.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("must be host:port (the port is missing)");
      }
      if (s.indexOf(':') != colon) {
        throw new IllegalArgumentException(
            "must be host:port; write an IPv6 host in brackets, e.g. [::1]:9000");
      }
      host = s.substring(0, colon);
      if (host.isEmpty()) {
        throw new IllegalArgumentException("must be host:port (the host is missing)");
      }
      host = nameOrIpv4(host);
      port = s.substring(colon + 1);
    }
    return new HostPort(host, port(port));
  }

  /** A decimal TCP port, 1-65535. */
  static int port(String s) {
    if (!PORT.matcher(s).matches() || Integer.parseInt(s) < 1 || Integer.parseInt(s) > 65535) {
      throw new IllegalArgumentException("port must be an integer between 1 and 65535");
    }
    return Integer.parseInt(s);
  }

  /** 0.0.0.0 or :: : fine to listen on, useless as an address someone dials. */
  static boolean isUnspecified(String host) {
    if (host.equals("0.0.0.0")) {
      return true;
    }
    if (host.indexOf(':') < 0) {
      return false;
    }
    try {
      return InetAddress.getByName("[" + host + "]").isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String nameOrIpv4(String s) {
    if (DIGITS_AND_DOTS.matcher(s).matches()) {
      if (!IPV4.matcher(s).matches()) {
        throw new IllegalArgumentException("is not a valid IPv4 address");
      }
      return s;
    }
    if (!HOSTNAME.matcher(s).matches()) {
      throw new IllegalArgumentException("is not a valid hostname or IP address");
    }
    return s;
  }

  private static String ipv6(String s) {
    try {
      // Bracketed, so the JDK parses a literal and never queries DNS.
      if (!s.isEmpty()) {
        InetAddress.getByName("[" + s + "]");
        return s;
      }
    } catch (UnknownHostException | IllegalArgumentException e) {
      // fall through
    }
    throw new IllegalArgumentException("is not a valid IPv6 address");
  }
}
