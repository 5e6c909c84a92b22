package io.mvmci.cluster;

import io.mvmci.testing.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * One mvm-ci node as a separate operating-system process, started exactly as an operator starts
 * one ({@code java ... io.mvmci.Main --config node.toml}), so that it can be killed with SIGKILL.
 *
 * <p>It runs from the test class path by default (no {@code mvn package} needed); set the system
 * property {@code mvmci.cluster.jar} to a jar to run that instead. Its output goes to
 * {@code node<id>.log} next to its configuration file.
 */
final class NodeProcess {
  /** Small and quick to start: several of these share two cores with the build. */
  static final List<String> JVM_OPTIONS = List.of(
      "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
      "-XX:+ExitOnOutOfMemoryError", "-Djava.net.preferIPv4Stack=true");

  final int id;
  final int httpPort;
  final Path config;
  final Path log;
  private Process process;

  NodeProcess(int id, int httpPort, Path config) {
    this.id = id;
    this.httpPort = httpPort;
    this.config = config;
    this.log = config.resolveSibling("node" + id + ".log");
  }

  /** Launches the process and returns at once; see {@link #isUp()}. */
  synchronized NodeProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("node " + id + " is already running");
    }
    try {
      Path args = config.resolveSibling("node" + id + ".args");
      Files.write(args, launchArguments(), StandardCharsets.UTF_8);
      Files.writeString(log, "---- start " + java.time.Instant.now() + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      process = new ProcessBuilder(javaBinary(), "@" + args)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("starting node " + id, e);
    }
  }

  /** The argument file: JVM options, class path or jar, main class, {@code --config}. */
  private List<String> launchArguments() {
    List<String> a = new ArrayList<>(JVM_OPTIONS);
    String jar = System.getProperty("mvmci.cluster.jar", "");
    if (!jar.isEmpty()) {
      a.add("-jar");
      a.add(quote(jar));
    } else {
      a.add("-cp");
      a.add(quote(io.mvmci.testing.NodeProcess.mainClasspath()));
      a.add("io.mvmci.Main");
    }
    a.add("--config");
    a.add(quote(config.toString()));
    return a;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** SIGKILL (Process.destroyForcibly on Linux) and wait for the end; returns the exit status. */
  synchronized int kill() throws InterruptedException {
    Process p = process;
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("node " + id + " survived SIGKILL for 30 s");
    }
    return p.exitValue();
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Best effort, for cleanup: SIGKILL without waiting long. */
  synchronized void destroy() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + httpPort + path;
  }

  /** The node's own view of the group ({@code GET /api/v1/cluster}); throws if it does not answer. */
  JsonNode cluster() {
    Http.Reply r = Http.get(url("/api/v1/cluster"));
    if (r.status() != 200) {
      throw new IllegalStateException("node " + id + " answered /api/v1/cluster with " + r.status());
    }
    return r.json();
  }

  boolean isUp() {
    if (!alive()) {
      throw new IllegalStateException("node " + id + " exited with " + process.exitValue()
          + "; its log:\n" + tail(40));
    }
    try {
      return Http.get(url("/api/v1/cluster")).status() == 200;
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  /** The last lines of the node's log, for failure messages. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
