package io.mvmci.workflow;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a workflow's {@code http_request} may connect. Checked by the host for every address a
 * request's host name resolves to, at connect time (see {@link HttpBridge}), so a redirect, which the
 * workflow follows with a request of its own, is checked again at each hop.
 *
 * <ol>
 *   <li>A protected endpoint (this cluster's members' HTTP and Raft ports, a remote worker's control
 *       planes) is always denied: a workflow must not drive the control plane that runs it.</li>
 *   <li>An address in the allow-list ({@code [workers] egress_allow}) is allowed.</li>
 *   <li>An address in a range that is not the public internet is denied: unspecified, loopback,
 *       private (RFC 1918, unique local), shared (RFC 6598), link-local (where cloud metadata services
 *       live), benchmarking, IETF-reserved, multicast and broadcast; an IPv6 address that embeds an
 *       IPv4 one (IPv4-compatible, NAT64, 6to4) is judged by the IPv4 address it embeds.</li>
 *   <li>Anything else is allowed.</li>
 * </ol>
 *
 * Immutable and thread-safe.
 */
public final class EgressPolicy {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** A range of addresses. */
  record Cidr(byte[] network, int prefix) {
    boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (b[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (b[full] & mask) == (network[full] & mask);
    }

    /**
     * {@code 10.0.0.0/8}, {@code ::1/128} or a single address; a literal only, never a name (nothing
     * is looked up).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static Cidr parse(String text) {
      String s = text.strip();
      int slash = s.indexOf('/');
      String address = slash < 0 ? s : s.substring(0, slash);
      byte[] bytes = literal(address);
      if (bytes == null) {
        throw new IllegalArgumentException("\"" + text + "\" is not an IP address or range such as 10.0.0.0/8 or fd00::/8");
      }
      int prefix = bytes.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bytes.length * 8) {
          throw new IllegalArgumentException("\"" + text + "\": the prefix length must be 0 to " + bytes.length * 8);
        }
      }
      return new Cidr(bytes, prefix);
    }

    @Override
    public String toString() {
      try {
        return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
      } catch (UnknownHostException e) {
        return Arrays.toString(network) + "/" + prefix;
      }
    }
  }

  /** A range that is not the public internet, and what to call an address in it. */
  private record Denied(Cidr range, String what) {
    static Denied of(String cidr, String what) {
      return new Denied(Cidr.parse(cidr), what);
    }
  }

  private static final List<Denied> NOT_PUBLIC = List.of(
      Denied.of("0.0.0.0/8", "an unspecified (this-network) address"),
      Denied.of("10.0.0.0/8", "a private address"),
      Denied.of("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
      Denied.of("127.0.0.0/8", "a loopback address"),
      Denied.of("169.254.0.0/16", "a link-local address (cloud metadata services live there)"),
      Denied.of("172.16.0.0/12", "a private address"),
      Denied.of("192.0.0.0/24", "an IETF-reserved address"),
      Denied.of("192.168.0.0/16", "a private address"),
      Denied.of("198.18.0.0/15", "a benchmarking address"),
      Denied.of("224.0.0.0/4", "a multicast address"),
      Denied.of("240.0.0.0/4", "a reserved or broadcast address"),
      Denied.of("::/128", "an unspecified address"),
      Denied.of("::1/128", "a loopback address"),
      Denied.of("100::/64", "a discard address"),
      Denied.of("2001::/32", "a Teredo address"),
      Denied.of("fc00::/7", "a private (unique local) address"),
      Denied.of("fe80::/10", "a link-local address"),
      Denied.of("fec0::/10", "a site-local address"),
      Denied.of("ff00::/8", "a multicast address"));

  /** IPv6 ranges that carry an IPv4 address, and where: IPv4-compatible, NAT64, 6to4. */
  private static final Cidr V4_COMPATIBLE = Cidr.parse("::/96");
  private static final Cidr V4_MAPPED = new Cidr(
      new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96);
  private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
  private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

  /** A host and port that no request may reach, whatever the ranges say. */
  public record Endpoint(String host, int port) {}

  private final List<Cidr> allowed;
  private final List<Endpoint> protectedEndpoints;

  private EgressPolicy(List<Cidr> allowed, List<Endpoint> protectedEndpoints) {
    this.allowed = List.copyOf(allowed);
    this.protectedEndpoints = List.copyOf(protectedEndpoints);
  }

  /** Public addresses only, nothing protected beyond that. */
  public static EgressPolicy publicOnly() {
    return new EgressPolicy(List.of(), List.of());
  }

  /**
   * Public addresses, and the ranges in {@code allow} ({@code "10.1.0.0/16"}, {@code "127.0.0.1"}).
   *
   * @throws IllegalArgumentException if an entry is not an IP address or range
   */
  public static EgressPolicy allowing(List<String> allow) {
    return new EgressPolicy(allow.stream().map(Cidr::parse).toList(), List.of());
  }

  /** This policy, and {@code endpoints} denied whatever else it allows. */
  public EgressPolicy protecting(List<Endpoint> endpoints) {
    List<Endpoint> all = new ArrayList<>(protectedEndpoints);
    all.addAll(endpoints);
    return new EgressPolicy(allowed, all);
  }

  /**
   * Why a connection to {@code address} on {@code port} is denied, or null if it is allowed. The
   * reason names the kind of address, never whether anything listens there.
   */
  public String denied(InetAddress address, int port) {
    for (Endpoint e : protectedEndpoints) {
      if (e.port() == port && resolvesTo(e.host(), address)) {
        return "a port of this mvm-ci cluster";
      }
    }
    for (Cidr c : allowed) {
      if (c.contains(address)) {
        return null;
      }
    }
    InetAddress judged = embeddedIpv4(address);
    for (Denied d : NOT_PUBLIC) {
      if (d.range().contains(judged)) {
        return d.what();
      }
    }
    return null;
  }

  /** Whether {@code host} names {@code address}; a wildcard host names every address of this machine. */
  private static boolean resolvesTo(String host, InetAddress address) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (a.equals(address)) {
          return true;
        }
        if (a.isAnyLocalAddress()
            && (address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null)) {
          return true;
        }
      }
    } catch (IOException e) {
      // a member whose name does not resolve cannot be reached by it either
    }
    return false;
  }

  /** The IPv4 address an IPv6 address carries, if it is of a kind that does; else the address. */
  static InetAddress embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] b = address.getAddress();
    byte[] v4 = null;
    if (NAT64.contains(address) || V4_MAPPED.contains(address)
        || V4_COMPATIBLE.contains(address) && !isZeroOrOne(b)) {
      v4 = Arrays.copyOfRange(b, 12, 16);
    } else if (SIX_TO_FOUR.contains(address)) {
      v4 = Arrays.copyOfRange(b, 2, 6);
    }
    if (v4 == null) {
      return address;
    }
    try {
      return Inet4Address.getByAddress(v4);
    } catch (UnknownHostException e) {
      return address;
    }
  }

  /** {@code ::} and {@code ::1}, which are their own kinds, not IPv4-compatible addresses. */
  private static boolean isZeroOrOne(byte[] b) {
    for (int i = 0; i < 15; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[15] == 0 || b[15] == 1;
  }

  /** The bytes of an IPv4 or IPv6 literal, or null if {@code s} is not one. Never looks a name up. */
  static byte[] literal(String s) {
    if (IPV4.matcher(s).matches()) {
      byte[] b = new byte[4];
      String[] parts = s.split("\\.");
      for (int i = 0; i < 4; i++) {
        int v = Integer.parseInt(parts[i]);
        if (v > 255) {
          return null;
        }
        b[i] = (byte) v;
      }
      return b;
    }
    if (IPV6.matcher(s).matches()) {
      try {
        // brackets make the JDK parse a literal or fail, never ask DNS
        return InetAddress.getByName("[" + s.toLowerCase(Locale.ROOT) + "]").getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "allow " + allowed + ", protect " + protectedEndpoints;
  }
}
