package io.mvmci.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A separate JVM running {@code io.mvmci.Main} with given arguments, as an operator runs it, so
 * that a test can signal it: SIGKILL, SIGTERM, SIGSTOP and SIGCONT. It runs on the main class path
 * (no test classes, so it loads and logs the way the jar does); set the system property
 * {@code mvmci.cluster.jar} to a jar to run that instead. Its output is appended to a log file,
 * one {@code ---- start} line per launch. The common part of {@link NodeProcess} and
 * {@link WorkerProcess}.
 */
public abstract class MainProcess implements AutoCloseable {
  /** Small and quick to start: several of these share two cores with the build. */
  static final List<String> JVM_OPTIONS = List.of(
      "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
      "-XX:+ExitOnOutOfMemoryError", "-Djava.net.preferIPv4Stack=true",
      // a line per applied entry beside each node's database, for faults.LogReplay's post-mortem
      "-Dmvmci.apply.trace=true");

  /** Everything the process wrote, over all its launches. */
  public final Path log;
  private final List<String> mainArgs;
  private final Map<String, String> env;
  private final Path workDir;
  /** Words run before {@code java}: for example {@code ip netns exec NS}, which execs java in place. */
  private final List<String> prefix;
  private Process process;

  MainProcess(List<String> mainArgs, Path log, Map<String, String> env, Path workDir) {
    this(mainArgs, log, env, workDir, List.of());
  }

  MainProcess(List<String> mainArgs, Path log, Map<String, String> env, Path workDir, List<String> prefix) {
    this.prefix = List.copyOf(prefix);
    this.mainArgs = List.copyOf(mainArgs);
    this.log = log;
    this.env = Map.copyOf(env);
    this.workDir = workDir;
  }

  /** Launches the process and returns at once; it must not be running. */
  synchronized void launch() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(this + " is already running");
    }
    try {
      // An argument file keeps the class path whole whatever characters it holds.
      Path args = log.resolveSibling(log.getFileName() + ".args");
      Files.write(args, launchArguments(), StandardCharsets.UTF_8);
      Files.writeString(log, "---- start " + Instant.now() + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      List<String> command = new ArrayList<>(prefix);
      command.add(javaBinary());
      command.add("@" + args);
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      if (workDir != null) {
        pb.directory(workDir.toFile());
      }
      pb.environment().putAll(env);
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("starting " + this, e);
    }
  }

  private List<String> launchArguments() throws IOException {
    List<String> a = new ArrayList<>(JVM_OPTIONS);
    // Its own temporary directory beside its log, so that what a killed process leaves there (SQLite's
    // native library, 1 MB a launch, and Tomcat's work directory) goes with the test's directory.
    Path tmp = Files.createDirectories(log.resolveSibling(log.getFileName() + ".tmp"));
    a.add(quote("-Djava.io.tmpdir=" + tmp.toAbsolutePath()));
    String jar = System.getProperty("mvmci.cluster.jar", "");
    if (!jar.isEmpty()) {
      a.add("-jar");
      a.add(quote(jar));
    } else {
      mainClassOptions().forEach(o -> a.add(quote(o)));
      a.add("io.mvmci.Main");
    }
    mainArgs.forEach(arg -> a.add(quote(arg)));
    return a;
  }

  /**
   * The JVM options that put the main classes on the class path for a launch of {@code io.mvmci.Main}:
   * the test CDS archive's options ({@link TestCds}), if there is one, then {@code -cp} and the class
   * path, last. For tests that launch the main class themselves.
   */
  public static List<String> mainClassOptions() {
    TestCds.Launch cds = TestCds.launch(mainClasspath());
    List<String> options = new ArrayList<>(cds.options());
    options.add("-cp");
    options.add(cds.classpath());
    return options;
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

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  public synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  public synchronized long pid() {
    return process.pid();
  }

  /** The exit status of the last launch; it must have ended. */
  synchronized int exitValue() {
    return process.exitValue();
  }

  /** Waits for the process to end by itself; its exit status. Fails after {@code timeout}. */
  public int awaitExit(java.time.Duration timeout) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(this + " did not exit within " + timeout + "; its log:\n" + tail(30));
    }
    return p.exitValue();
  }

  /** SIGKILL (no shutdown hook runs, nothing is flushed or handed back), then waits; the exit status. */
  public int kill() throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(this + " survived SIGKILL for 30 s");
    }
    return p.exitValue();
  }

  /** SIGTERM, then waits for the exit; the exit status. */
  public int terminate(long timeoutSeconds) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    p.destroy();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new IllegalStateException(this + " did not stop within " + timeoutSeconds + " s of SIGTERM");
    }
    return p.exitValue();
  }

  /** SIGSTOP: the process freezes, its sockets stay open. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  /** Sends a signal by name ({@code STOP}, {@code CONT}, ...) and waits until it is sent. */
  public void signal(String name) throws IOException, InterruptedException {
    int status = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).start().waitFor();
    if (status != 0) {
      throw new IllegalStateException("kill -" + name + " " + pid() + " exited with " + status);
    }
  }

  /** Best effort, for cleanup: SIGKILL, waiting a little. */
  public synchronized void destroy() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Everything in the log. */
  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last lines of the log, for failure messages. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** A stopped (SIGSTOP) process is woken first, then asked to stop (SIGTERM), then killed after 30 s. */
  @Override
  public void close() throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p != null && p.isAlive()) {
      try {
        signal("CONT");
      } catch (IOException | IllegalStateException e) {
        // it ended meanwhile
      }
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
  }
}
