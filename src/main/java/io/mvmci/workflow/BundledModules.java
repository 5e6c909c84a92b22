package io.mvmci.workflow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds {@code .wasm} files under a folder of the classpath or of the file system. A module's
 * name is its file's base name. Works for class folders, plain jars and Spring Boot's nested
 * jars (whose URL handler answers with a {@link JarURLConnection}).
 */
final class BundledModules {
  /** One module file found: its name, bytes, and where it came from (for messages). */
  record Found(String name, byte[] bytes, String source) {}

  private BundledModules() {}

  static List<Found> onClasspath(ClassLoader loader, String folder) {
    List<Found> found = new ArrayList<>();
    try {
      for (URL url : Collections.list(loader.getResources(folder))) {
        if ("file".equals(url.getProtocol())) {
          found.addAll(inDirectory(Path.of(url.toURI())));
        } else if (url.openConnection() instanceof JarURLConnection jar) {
          found.addAll(inJar(jar));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list classpath folder " + folder, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("unexpected classpath URL for " + folder, e);
    }
    return found;
  }

  static List<Found> inDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      List<Found> found = new ArrayList<>();
      for (Path p : files.filter(f -> f.toString().endsWith(".wasm")).sorted().toList()) {
        found.add(new Found(baseName(p.getFileName().toString()), Files.readAllBytes(p), p.toString()));
      }
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read modules under " + dir, e);
    }
  }

  private static List<Found> inJar(JarURLConnection connection) throws IOException {
    connection.setUseCaches(false);
    String prefix = connection.getEntryName() == null ? "" : connection.getEntryName();
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix += "/";
    }
    List<Found> found = new ArrayList<>();
    try (JarFile jar = connection.getJarFile()) {
      List<JarEntry> entries =
          Collections.list(jar.entries()).stream()
              .filter(e -> !e.isDirectory())
              .filter(e -> e.getName().endsWith(".wasm"))
              .sorted((a, b) -> a.getName().compareTo(b.getName()))
              .toList();
      for (JarEntry e : entries) {
        if (!e.getName().startsWith(prefix)) {
          continue;
        }
        try (InputStream in = jar.getInputStream(e)) {
          String file = e.getName().substring(e.getName().lastIndexOf('/') + 1);
          found.add(new Found(baseName(file), in.readAllBytes(), connection.getJarFileURL() + "!/" + e.getName()));
        }
      }
    }
    return found;
  }

  private static String baseName(String fileName) {
    return fileName.substring(0, fileName.length() - ".wasm".length());
  }
}
