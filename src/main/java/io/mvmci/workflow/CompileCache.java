package io.mvmci.workflow;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.InterpreterFallback;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chicory's compiler output kept across restarts: the JVM classes a module compiles to, one jar file
 * per module, under a directory of the node's (or worker's) data. A restarted node loads them instead
 * of compiling again: the crawler took 1-6 s to compile on these machines, and a node compiles every
 * module it knows before it is ready.
 *
 * <p>A file is named by the module's sha-256, the Chicory version that compiled it and the compile
 * option that changes its output ({@link InterpreterFallback}), so another Chicory (an upgrade) or
 * another option never loads it. Files are written whole (a temporary file, then a rename); one that
 * cannot be loaded is deleted and the module compiled again. The directory is as trusted as the rest
 * of the data directory, which holds the cluster's secrets.
 */
final class CompileCache {
  private static final Logger LOG = LoggerFactory.getLogger(CompileCache.class);
  /** The Chicory compiler's version, from its jar; null if it cannot be told (then nothing is cached). */
  static final String CHICORY_VERSION = chicoryVersion();
  static final CompileCache NONE = new CompileCache(null);

  private final Path dir;

  /** @param dir where the files live, created when needed; null caches nothing */
  CompileCache(Path dir) {
    this.dir = CHICORY_VERSION == null ? null : dir;
  }

  boolean enabled() {
    return dir != null;
  }

  Path file(String sha256, InterpreterFallback fallback) {
    return dir.resolve(sha256 + ".chicory-" + CHICORY_VERSION + "." + fallback.name().toLowerCase() + ".jar");
  }

  /** Whether a compiled module is kept for these bytes and option. */
  boolean has(String sha256, InterpreterFallback fallback) {
    return enabled() && Files.isRegularFile(file(sha256, fallback));
  }

  /** Forgets a file that could not be loaded. */
  void drop(String sha256, InterpreterFallback fallback) {
    if (enabled()) {
      try {
        Files.deleteIfExists(file(sha256, fallback));
      } catch (IOException e) {
        LOG.warn("cannot delete {}: {}", file(sha256, fallback), e.getMessage());
      }
    }
  }

  /** What Chicory's compiler reads and writes for one module; the module's own digest is not used as a name. */
  Cache forModule(String sha256, InterpreterFallback fallback) {
    Path file = file(sha256, fallback);
    return new Cache() {
      @Override
      public byte[] get(String chicoryKey) throws IOException {
        return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
      }

      @Override
      public void putIfAbsent(String chicoryKey, byte[] compiled) {
        try {
          Files.createDirectories(dir);
          Path tmp = Files.createTempFile(dir, sha256, ".tmp");
          Files.write(tmp, compiled);
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          LOG.warn("cannot keep the compiled module {} in {}: {}", sha256, dir, e.getMessage());
        }
      }
    };
  }

  private static String chicoryVersion() {
    try (InputStream in = Cache.class.getResourceAsStream(
        "/META-INF/maven/com.dylibso.chicory/compiler/pom.properties")) {
      if (in == null) {
        return null;
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version");
      return v == null || v.isBlank() ? null : v.strip();
    } catch (IOException e) {
      return null;
    }
  }
}
