package io.mvmci.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Appends one line per test class to {@code target/class-cpu.txt}: its wall time and the CPU this JVM
 * and the processes it started and reaped during the class used ({@code /proc/self/stat}: utime + stime
 * and cutime + cstime). The suite is CPU-bound on two cores, so this, not wall time, says which classes
 * make it long (README, "Build and test"). Classes in one JVM run one after another, so each line is
 * that class's own; a suite class ({@code AllProcessTests}) has a line of its own around its classes'.
 * Registered through {@code META-INF/services}; does nothing where there is no {@code /proc}.
 */
public final class ClassCpuReport implements TestExecutionListener {
  private static final Path STAT = Path.of("/proc/self/stat");
  private static final Path OUT = Path.of("target", "class-cpu.txt");
  private final Map<String, long[]> started = new ConcurrentHashMap<>();

  /** nanoTime, then this JVM's CPU ticks and its reaped children's, or null without /proc. */
  private static long[] now() {
    try {
      String s = Files.readString(STAT);
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return new long[] {System.nanoTime(), Long.parseLong(f[11]) + Long.parseLong(f[12]),
          Long.parseLong(f[13]) + Long.parseLong(f[14])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public void executionStarted(TestIdentifier id) {
    if (id.getSource().orElse(null) instanceof ClassSource) {
      long[] t = now();
      if (t != null) {
        started.put(id.getUniqueId(), t);
      }
    }
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    long[] b = started.remove(id.getUniqueId());
    long[] e = b == null ? null : now();
    if (e == null || !(id.getSource().orElse(null) instanceof ClassSource c)) {
      return;
    }
    // clock ticks are 1/100 s on Linux (USER_HZ)
    String line = String.format("%-60s pid %d  wall %7.1f s  cpu %7.1f s  children %7.1f s%n", c.getClassName(),
        ProcessHandle.current().pid(), (e[0] - b[0]) / 1e9, (e[1] - b[1]) / 100.0, (e[2] - b[2]) / 100.0);
    try {
      Files.createDirectories(OUT.getParent());
      Files.writeString(OUT, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // a report, not a test: never fail the run for it
    }
  }
}
