package io.mvmci.testing;

import static org.awaitility.Awaitility.await;

import io.mvmci.config.ConfigLoader;
import io.mvmci.config.NodeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * One mvm-ci node as a separate operating-system process, started exactly as an operator starts one
 * ({@code java ... io.mvmci.Main --config node.toml}; see {@link MainProcess} for the class path, the
 * jar and the log), so that it can be killed with SIGKILL, stopped with SIGSTOP, and started again
 * on the same files. The test harness for what only a real process shows: kill -9, exit statuses,
 * signals, the sockets it listens on, its whole log output.
 */
public final class NodeProcess extends MainProcess {
  public final int id;
  public final int httpPort;
  public final Path config;
  /** The address its HTTP server binds and tests call: 127.0.0.1, or its network namespace's. */
  public final String host;

  /** Node {@code id}, which serves HTTP on {@code httpPort}, from {@code config}; not started. */
  public NodeProcess(int id, int httpPort, Path config, Path log, Map<String, String> env) {
    this(id, "127.0.0.1", httpPort, config, log, env, List.of());
  }

  /**
   * Node {@code id} serving HTTP on {@code host:httpPort}, launched behind {@code prefix} (say
   * {@code ip netns exec NS}, which execs java in place, so that signals reach the JVM); not started.
   */
  public NodeProcess(int id, String host, int httpPort, Path config, Path log, Map<String, String> env,
      List<String> prefix) {
    super(List.of("--config", config.toString()), log, env, null, prefix);
    this.id = id;
    this.host = host;
    this.httpPort = httpPort;
    this.config = config;
  }

  /**
   * Starts the node that {@code config} describes (its id and HTTP port read with the node's own
   * loader, environment overrides included) and returns at once; see {@link #awaitUp}.
   */
  public static NodeProcess start(Path config, Path log, Map<String, String> env) {
    Map<String, String> seen = new HashMap<>(System.getenv());
    seen.putAll(env);
    NodeConfig c = ConfigLoader.load(new String[] {"--config", config.toString()}, seen);
    return new NodeProcess(c.nodeId(), c.httpBind().port(), config, log, env).start();
  }

  /** Launches the process (again, after a kill) and returns at once; see {@link #awaitUp}. */
  public NodeProcess start() {
    launch();
    return this;
  }

  public String url(String path) {
    return "http://" + host + ":" + httpPort + path;
  }

  /** The node's own view of the group ({@code GET /api/v1/cluster}); throws if it does not answer. */
  public JsonNode cluster() {
    Http.Reply r = Http.get(url("/api/v1/cluster"));
    if (r.status() != 200) {
      throw new IllegalStateException("node " + id + " answered /api/v1/cluster with " + r.status());
    }
    return r.json();
  }

  /**
   * Whether it answers HTTP; throws, with its log, if the process has ended. A 401 counts: with
   * {@code [api] token} set, {@code /api/v1/cluster} needs it.
   */
  public boolean isUp() {
    return answers("/api/v1/cluster", 200, 401);
  }

  /** Waits until it answers HTTP (it may not see a leader yet); fails at once if it exits. */
  public NodeProcess awaitUp(Duration deadline) {
    await("node " + id + " answers HTTP").atMost(deadline).pollInterval(Duration.ofMillis(200))
        .until(this::isUp);
    return this;
  }

  /** Waits until it is ready ({@code /actuator/health/readiness}: a leader is known); fails at once if it exits. */
  public NodeProcess awaitReady(Duration deadline) {
    await("node " + id + " is ready").atMost(deadline).pollInterval(Duration.ofMillis(200))
        .until(() -> answers("/actuator/health/readiness", 200));
    return this;
  }

  private boolean answers(String path, int... statuses) {
    if (!alive()) {
      throw new IllegalStateException("node " + id + " exited with " + exitValue() + "; its log:\n" + tail(40));
    }
    try {
      int status = Http.get(url(path)).status();
      return java.util.Arrays.stream(statuses).anyMatch(s -> s == status);
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  /** The TCP addresses this process listens on, as "host:port" (from /proc; Linux only). */
  public Set<String> listening() throws IOException {
    Set<String> inodes = new TreeSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException gone) {
          // closed while we looked
        }
      }
    }
    Set<String> out = new TreeSet<>();
    for (String table : List.of("tcp", "tcp6")) {
      Path file = Path.of("/proc", Long.toString(pid()), "net", table);
      if (!Files.exists(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
          out.add(address(f[1]));
        }
      }
    }
    return out;
  }

  /** "0100007F:0BB8" or a 32-hex-digit IPv6 address and port, as host:port. */
  static String address(String hex) {
    String[] parts = hex.split(":");
    int port = Integer.parseInt(parts[1], 16);
    byte[] raw = HexFormat.of().parseHex(parts[0]);
    byte[] addr = new byte[raw.length];
    for (int word = 0; word < raw.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        addr[word + i] = raw[word + 3 - i];
      }
    }
    if (addr.length == 16 && Arrays.equals(Arrays.copyOf(addr, 12),
        new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff})) {
      addr = Arrays.copyOfRange(addr, 12, 16);
    }
    try {
      return InetAddress.getByAddress(addr).getHostAddress() + ":" + port;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "node " + id + " (" + config + ")";
  }
}
