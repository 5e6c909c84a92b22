package io.mvmci.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code docker-entrypoint.sh} as a plain script, outside any container, with exactly the
 * environment given (plus a PATH). Stubs of {@code java} and {@code curl} placed first on that
 * PATH record their arguments, environment and user instead of running, so a case sees what the
 * container would have started.
 */
final class Entrypoint {
  static final Path SCRIPT = Path.of("docker-entrypoint.sh").toAbsolutePath();

  private final Path dir;
  private final Path bin;
  private final List<String> prefix;

  /** Stubs go under {@code dir}/bin, their records under {@code dir}/calls. */
  Entrypoint(Path dir) {
    this(dir, List.of());
  }

  /** As {@link #Entrypoint(Path)}, the script started by {@code prefix} (a shell, setpriv ...). */
  Entrypoint(Path dir, List<String> prefix) {
    this.prefix = prefix;
    this.dir = dir;
    this.bin = dir.resolve("bin");
    try {
      Files.createDirectories(bin);
      Files.createDirectories(dir.resolve("calls"));
      for (String tool : List.of("java", "curl")) {
        stub(tool);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stub(String tool) throws IOException {
    Path file = bin.resolve(tool);
    Path calls = dir.resolve("calls").toAbsolutePath();
    Files.writeString(file, """
        #!/bin/sh
        printf '%%s\\0' "$@" > '%1$s/%2$s.args'
        env -0 > '%1$s/%2$s.env'
        id -u > '%1$s/%2$s.uid'
        """.formatted(calls, tool));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** What one run of the script did. */
  record Run(int exit, String stdout, String stderr, Path calls) {
    String output() {
      return stdout + stderr;
    }

    boolean called(String tool) {
      return Files.exists(calls.resolve(tool + ".args"));
    }

    /** The arguments the stub of {@code tool} was started with. */
    List<String> args(String tool) {
      return split(read(tool + ".args"));
    }

    /** The environment the stub of {@code tool} was started with. */
    Map<String, String> env(String tool) {
      Map<String, String> env = new LinkedHashMap<>();
      for (String entry : split(read(tool + ".env"))) {
        int eq = entry.indexOf('=');
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
      return env;
    }

    int uid(String tool) {
      return Integer.parseInt(read(tool + ".uid").strip());
    }

    private String read(String name) {
      try {
        return Files.readString(calls.resolve(name), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("the stub did not run: " + output(), e);
      }
    }

    private static List<String> split(String nulSeparated) {
      if (nulSeparated.isEmpty()) {
        return List.of();
      }
      String s = nulSeparated.endsWith("\0")
          ? nulSeparated.substring(0, nulSeparated.length() - 1) : nulSeparated;
      return Arrays.asList(s.split("\0", -1));
    }
  }

  /** Runs the script with {@code env} (and PATH: the stubs, then the system's) and {@code args}. */
  Run run(Map<String, String> env, String... args) {
    return run(env, true, args);
  }

  /** As {@link #run(Map, String...)}; without stubs, {@code java} and {@code curl} are real. */
  Run run(Map<String, String> env, boolean stubs, String... args) {
    try {
      Path calls = dir.resolve("calls");
      try (var old = Files.list(calls)) {
        for (Path p : old.toList()) {
          Files.delete(p);
        }
      }
      List<String> command = new ArrayList<>(prefix);
      command.add(SCRIPT.toString());
      command.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
      pb.environment().clear();
      pb.environment().put("PATH", (stubs ? bin.toAbsolutePath() + ":" : "") + "/usr/local/bin:/usr/bin:/bin");
      pb.environment().putAll(env);
      Path out = dir.resolve("out.txt");
      Path err = dir.resolve("err.txt");
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("docker-entrypoint.sh did not finish in 60 s");
      }
      return new Run(p.exitValue(), Files.readString(out), Files.readString(err), calls);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
