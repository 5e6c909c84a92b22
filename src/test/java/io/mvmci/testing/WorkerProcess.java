package io.mvmci.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real remote worker process ({@code io.mvmci.Main worker ...}) on this test's classpath. */
public final class WorkerProcess implements AutoCloseable {
  private final Process process;
  public final Path log;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  public static WorkerProcess start(Path dataDir, String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", classpath(), "io.mvmci.Main", "worker",
        "--data-dir", dataDir.toString()));
    cmd.addAll(List.of(args));
    Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    try {
      java.nio.file.Files.createDirectories(dataDir);
      Process p = new ProcessBuilder(cmd).directory(dataDir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      return new WorkerProcess(p, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** This JVM's class path without empty entries (an empty entry means the working directory). */
  static String classpath() {
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(s -> !s.isBlank())
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is handed back. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  public void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      try {
        signal("CONT");
      } catch (IOException ignored) {
        // best effort
      }
      process.destroy();
      if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
