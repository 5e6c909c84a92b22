package io.mvmci.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real node process ({@code io.mvmci.Main --config FILE}) on the main class path only (no test
 * classes, so it logs the way the jar does), its output captured to a file.
 */
public final class NodeProcess implements AutoCloseable {
  private final Process process;
  public final Path log;

  private NodeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  public static NodeProcess start(Path config, Path log, Map<String, String> env) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:TieredStopAtLevel=1",
        "-cp", mainClasspath(), "io.mvmci.Main", "--config", config.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> e = new HashMap<>(env);
    pb.environment().putAll(e);
    try {
      return new NodeProcess(pb.start(), log);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /**
   * This JVM's class path without the test classes (whose resources hold the hostile test guests, which
   * a node refuses to load) and without empty entries. Surefire may hide the real class path behind a
   * manifest-only jar; it then names it in {@code surefire.test.class.path}.
   */
  public static String mainClasspath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    return Arrays.stream(cp.split(File.pathSeparator))
        .filter(s -> !s.isBlank() && !s.endsWith("test-classes"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, nothing flushed or handed back. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, then waits for the exit; returns the exit status. */
  public int terminate(long timeoutSeconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("the node did not stop within " + timeoutSeconds + " s of SIGTERM");
    }
    return process.exitValue();
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
    String host;
    if (addr.length == 16 && Arrays.equals(Arrays.copyOf(addr, 12),
        new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff})) {
      addr = Arrays.copyOfRange(addr, 12, 16);
    }
    try {
      host = java.net.InetAddress.getByAddress(addr).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    return host + ":" + port;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
