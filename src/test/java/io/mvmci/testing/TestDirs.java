package io.mvmci.testing;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test class's temporary directories, deleted once the class is done:
 * {@code @RegisterExtension static final TestDirs dirs = new TestDirs();}, then
 * {@code dirs.create("mvmci-name")}. JUnit calls {@link #afterAll} after the class's {@code @AfterAll}
 * methods, so after the nodes and processes that used the directories have stopped. Unlike
 * {@code @TempDir} (JUnit 6.0), a file that cannot be deleted is logged and left: it never fails a test.
 */
public final class TestDirs implements AfterAllCallback {
  private static final Logger log = LoggerFactory.getLogger(TestDirs.class);
  private final List<Path> dirs = new CopyOnWriteArrayList<>();

  /** A new directory under java.io.tmpdir, deleted when the test class is done. */
  public Path create(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    dirs.add(dir);
    return dir;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    dirs.forEach(TestDirs::delete);
    dirs.clear();
  }

  /**
   * Deletes {@code root} and everything under it. What vanishes meanwhile is skipped; what cannot be
   * deleted is logged and left. Never throws.
   */
  public static void delete(Path root) {
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          remove(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          if (!(e instanceof NoSuchFileException)) {
            log.warn("cannot read {} to delete it: {}", file, e.toString());
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
          remove(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException | RuntimeException e) {
      log.warn("cannot delete {}: {}", root, e.toString());
    }
  }

  private static void remove(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", p, e.toString());
    }
  }
}
