package io.mvmci.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.springframework.util.FileSystemUtils;

/**
 * Class Data Sharing for the node and worker processes the tests launch ({@link MainProcess}).
 *
 * <p>Starting a node is mostly loading classes: about 10 s of CPU on this project's two-core machine, of
 * which a CDS archive of the classes a node loads saves about a quarter (measured: 10-11 s against 7.3-8.3 s
 * to ready). The process tests are CPU-bound, one after another, so that is their time.
 *
 * <p>JDK 17 archives no class loaded from a directory, so {@code target/classes} goes on the class path
 * as a jar ({@code target/test-cds/main-<hash>.jar}, named by what it holds, never rewritten). The archive
 * ({@code target/test-cds/app-<hash>.jsa}, named by the whole class path and the JDK) is made once, by a
 * training node: a one-member node started on free ports with {@code -XX:ArchiveClassesAtExit}, stopped
 * with SIGTERM once it answers HTTP. A file lock keeps the suite's JVMs from training at once; the others
 * wait and use its archive. If anything about it fails, launches go on without an archive, as before
 * (and without the jar, if that could not be written). {@code -Dmvmci.test.cds=false} turns it off.
 */
final class TestCds {
  private static final Path DIR = Path.of("target", "test-cds");
  /** The class path with the jar and the options, once worked out; null until then. */
  private static Launch launch;

  private TestCds() {}

  /** What to launch with: the class path, and the JVM options that map the archive (if there is one). */
  record Launch(String classpath, List<String> options) {}

  /**
   * The class path and CDS options for {@code classpath} (the test JVM's main class path), working out
   * the jar and the archive at the first call.
   */
  static synchronized Launch launch(String classpath) {
    if (launch == null) {
      launch = prepare(classpath);
    }
    return launch;
  }

  private static Launch prepare(String classpath) {
    if ("false".equals(System.getProperty("mvmci.test.cds"))) {
      return new Launch(classpath, List.of());
    }
    String cp;
    try {
      cp = withClassesAsJar(classpath);
    } catch (IOException | UncheckedIOException e) {
      System.err.println("TestCds: target/classes not jarred (" + e + "); launching without an archive");
      return new Launch(classpath, List.of());
    }
    Path archive = DIR.resolve("app-" + hash(cp + "\n" + System.getProperty("java.home") + "\n"
        + System.getProperty("java.vm.version")) + ".jsa");
    try {
      if (!Files.exists(archive)) {
        train(cp, archive);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("TestCds: no archive (" + e + "); launching without one");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!Files.exists(archive)) {
      return new Launch(cp, List.of());
    }
    // -Xlog:cds=off: a mismatch (a JDK update, say) only disables the archive, silently
    return new Launch(cp, List.of("-XX:SharedArchiveFile=" + archive.toAbsolutePath(), "-Xlog:cds=off"));
  }

  /** {@code classpath} with each directory entry replaced by a jar of its contents. */
  private static String withClassesAsJar(String classpath) throws IOException {
    List<String> out = new ArrayList<>();
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      out.add(Files.isDirectory(p) ? jarOf(p).toAbsolutePath().toString() : entry);
    }
    return String.join(java.io.File.pathSeparator, out);
  }

  private static Path jarOf(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      // directories too: ClassLoader.getResources("workflows"), Spring's and Flyway's scans find a folder
      // in a jar only by its entry
      files = s.filter(f -> !f.equals(dir)).sorted().toList();
    }
    StringBuilder listing = new StringBuilder(dir.toAbsolutePath().toString());
    for (Path f : files) {
      listing.append('\n').append(dir.relativize(f)).append(' ').append(Files.isDirectory(f) ? -1 : Files.size(f))
          .append(' ').append(Files.getLastModifiedTime(f).toMillis());
    }
    Path jar = DIR.resolve("main-" + hash(listing.toString()) + ".jar");
    if (Files.exists(jar)) {
      return jar;
    }
    Files.createDirectories(DIR);
    Path tmp = Files.createTempFile(DIR, "main-", ".jar.tmp");
    try (OutputStream os = Files.newOutputStream(tmp); JarOutputStream jos = new JarOutputStream(os)) {
      for (Path f : files) {
        String name = dir.relativize(f).toString().replace(java.io.File.separatorChar, '/');
        boolean folder = Files.isDirectory(f);
        jos.putNextEntry(new JarEntry(folder ? name + "/" : name));
        if (!folder) {
          Files.copy(f, jos);
        }
        jos.closeEntry();
      }
    }
    try {
      Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) { // another JVM moved the same jar in first
      Files.deleteIfExists(tmp);
      if (!Files.exists(jar)) {
        throw e;
      }
    }
    return jar;
  }

  /** Makes {@code archive} with a training node, unless another JVM made it while this one waited. */
  private static void train(String cp, Path archive) throws IOException, InterruptedException {
    Files.createDirectories(DIR);
    try (FileChannel lockFile = FileChannel.open(DIR.resolve("train.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
      if (Files.exists(archive)) {
        return;
      }
      Path work = Files.createTempDirectory("mvmci-cds-training");
      Path tmp = DIR.resolve(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
      int http = FreePorts.next();
      int raft = FreePorts.next();
      int stream = FreePorts.next(); // named, or the DataStream server takes a default port another node may hold
      Files.writeString(work.resolve("node.toml"), """
          [node]
          node_id = 1
          data_dir = "%s"
          listen_addr_raft = "127.0.0.1"
          listen_addr_api = "127.0.0.1"
          nodes = ["1 127.0.0.1:%d 127.0.0.1:%d 127.0.0.1:%d"]
          """.formatted(work.resolve("data").toString().replace("\\", "\\\\"), raft, http, stream),
          StandardCharsets.UTF_8);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(MainProcess.JVM_OPTIONS);
      command.addAll(List.of("-XX:ArchiveClassesAtExit=" + tmp.toAbsolutePath(), "-Xlog:cds=off",
          "-Xlog:cds+dynamic=off", "-cp", cp, "io.mvmci.Main", "--config", work.resolve("node.toml").toString()));
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(work.resolve("node.log").toFile()).start();
      try {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ping = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/api/v1/cluster"))
            .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        boolean up = false;
        while (!up && p.isAlive() && System.nanoTime() < deadline) {
          try {
            up = client.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
          } catch (IOException e) {
            Thread.sleep(200);
          }
        }
        if (!up) {
          throw new IOException("the training node did not come up; its log is in " + work);
        }
        p.destroy(); // SIGTERM: the archive is written as the JVM exits
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          throw new IOException("the training node did not stop within 60 s of SIGTERM");
        }
      } catch (IOException e) {
        Files.deleteIfExists(tmp); // a node that failed to start still writes an archive as it exits
        throw e;
      } finally {
        p.destroyForcibly();
      }
      if (!Files.exists(tmp) || Files.size(tmp) == 0) {
        throw new IOException("the training node wrote no archive; its log is in " + work);
      }
      Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE);
      FileSystemUtils.deleteRecursively(work);
      prune(archive, cp);
    }
  }

  /** Deletes the archives and jars of earlier builds (about 100 MB each); a process using one keeps its map. */
  private static void prune(Path archive, String classpath) throws IOException {
    try (Stream<Path> s = Files.list(DIR)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        boolean old = (name.startsWith("app-") && name.endsWith(".jsa") && !p.equals(archive))
            || (name.startsWith("main-") && name.endsWith(".jar") && !classpath.contains(p.toAbsolutePath().toString()));
        if (old) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** The first 16 hex digits of {@code s}'s SHA-256. */
  private static String hash(String s) {
    return StoreFixture.sha256(s.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
  }
}
