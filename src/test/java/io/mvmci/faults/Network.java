package io.mvmci.faults;

import io.mvmci.testing.ProcessCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One Linux network namespace per node, joined by veth pairs to a bridge in the root namespace,
 * which holds the gateway address where the test JVM (clients, remote workers, the counting server)
 * lives. A partition drops packets between chosen pairs of nodes with iptables rules inside their
 * namespaces, so the test JVM still reaches every node (as a client on the far side of a partition
 * would). Needs root, {@code ip} and {@code iptables}; {@link #create} says why not otherwise.
 */
final class Network implements ProcessCluster.Placement, AutoCloseable {
  private final int size;
  private final int subnet;
  private final String tag;
  private final List<String> blocked = new ArrayList<>();

  private Network(int size, int subnet) {
    this.size = size;
    this.subnet = subnet;
    this.tag = "mvf" + subnet;
  }

  /** A network of {@code size} namespaces, or why there can be none here. */
  static Network create(int size) throws Unavailable {
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new Unavailable("not root (ip netns needs CAP_SYS_ADMIN)");
    }
    int subnet = 0;
    for (int i = 0; i < 20 && subnet == 0; i++) {
      int candidate = ThreadLocalRandom.current().nextInt(10, 250);
      if (!run(false, "ip", "link", "show", "mvf" + candidate + "br").ok()) {
        subnet = candidate;
      }
    }
    if (subnet == 0) {
      throw new Unavailable("no free subnet 10.213.x.0/24 for the test network");
    }
    Network n = new Network(size, subnet);
    try {
      n.setUp();
      return n;
    } catch (Unavailable e) {
      n.close();
      throw e;
    }
  }

  private void setUp() throws Unavailable {
    String br = tag + "br";
    must("ip", "link", "add", br, "type", "bridge");
    must("ip", "addr", "add", gateway() + "/24", "dev", br);
    must("ip", "link", "set", br, "up");
    for (int id = 1; id <= size; id++) {
      String ns = namespace(id);
      must("ip", "netns", "add", ns);
      must("ip", "link", "add", tag + "v" + id, "type", "veth", "peer", "name", "eth0", "netns", ns);
      must("ip", "link", "set", tag + "v" + id, "master", br, "up");
      must("ip", "netns", "exec", ns, "ip", "addr", "add", host(id) + "/24", "dev", "eth0");
      must("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
      must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
      must("ip", "netns", "exec", ns, "iptables", "-L", "-n");
    }
  }

  String namespace(int id) {
    return tag + "n" + id;
  }

  /** The root namespace's address on the bridge: where the counting server and remote workers are. */
  String gateway() {
    return "10.213." + subnet + ".254";
  }

  String cidr() {
    return "10.213." + subnet + ".0/24";
  }

  @Override
  public String host(int id) {
    return "10.213." + subnet + "." + id;
  }

  @Override
  public List<String> prefix(int id) {
    return List.of("ip", "netns", "exec", namespace(id));
  }

  /** Drops every packet between each node of {@code a} and each node of {@code b}, both ways. */
  synchronized void cut(Collection<Integer> a, Collection<Integer> b) throws Unavailable {
    for (int x : a) {
      for (int y : b) {
        if (x != y) {
          drop(x, y);
          drop(y, x);
        }
      }
    }
  }

  private void drop(int in, int from) throws Unavailable {
    must("ip", "netns", "exec", namespace(in), "iptables", "-A", "INPUT", "-s", host(from), "-j", "DROP");
    must("ip", "netns", "exec", namespace(in), "iptables", "-A", "OUTPUT", "-d", host(from), "-j", "DROP");
    blocked.add(in + "x" + from);
  }

  /** Removes every rule: the network is whole again. */
  synchronized void heal() throws Unavailable {
    for (int id = 1; id <= size; id++) {
      must("ip", "netns", "exec", namespace(id), "iptables", "-F");
    }
    blocked.clear();
  }

  @Override
  public synchronized void close() {
    for (int id = 1; id <= size; id++) {
      run(false, "ip", "netns", "del", namespace(id));
    }
    run(false, "ip", "link", "del", tag + "br");
  }

  /** Why the network faults cannot run here. */
  static final class Unavailable extends Exception {
    Unavailable(String why) {
      super(why);
    }
  }

  private static void must(String... command) throws Unavailable {
    Result r = run(true, command);
    if (!r.ok()) {
      throw new Unavailable(String.join(" ", command) + " failed: " + r.output().strip());
    }
  }

  record Result(boolean ok, String output) {}

  private static Result run(boolean capture, String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(false, "timed out");
      }
      return new Result(p.exitValue() == 0, capture ? new String(out, StandardCharsets.UTF_8) : "");
    } catch (IOException e) {
      return new Result(false, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(false, "interrupted");
    }
  }
}
