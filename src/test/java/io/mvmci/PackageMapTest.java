package io.mvmci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package map in {@code io/mvmci/package-info.java} is the code's: every package of the main code
 * is on it, and a class refers only to packages listed below its own (or to its own), in imports and
 * in fully qualified names alike.
 */
class PackageMapTest {
  static final Path MAIN = Path.of("src/main/java");
  static final Pattern LISTED = Pattern.compile("^ \\*   (io\\.mvmci[\\w.]*)", Pattern.MULTILINE);
  static final Pattern USE = Pattern.compile("(?<![\\w.])(io\\.mvmci(?:\\.[a-z]\\w*)*)\\.[A-Z]");

  @Test
  void everyReferenceRunsDownTheMap() throws IOException {
    List<String> order = new ArrayList<>();
    Matcher m = LISTED.matcher(Files.readString(MAIN.resolve("io/mvmci/package-info.java")));
    while (m.find()) {
      order.add(m.group(1));
    }
    assertThat(order).contains("io.mvmci", "io.mvmci.dashboard", "io.mvmci.cli", "io.mvmci.live", "io.mvmci.api");
    List<String> wrong = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN.resolve("io/mvmci"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
        String own = owner(order, pkg);
        assertThat(own).as("%s is on the package map", pkg).isNotNull();
        for (String line : Files.readAllLines(f)) {
          String code = line.strip();
          if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//") || code.startsWith("package ")) {
            continue;
          }
          Matcher use = USE.matcher(code);
          while (use.find()) {
            String used = owner(order, use.group(1));
            if (used != null && !used.equals(own) && order.indexOf(used) < order.indexOf(own)) {
              wrong.add(MAIN.relativize(f) + " uses " + use.group(1) + ", which is above " + own);
            }
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  private static String owner(List<String> order, String pkg) {
    String best = null;
    for (String o : order) {
      if ((pkg.equals(o) || pkg.startsWith(o + ".")) && (best == null || o.length() > best.length())) {
        best = o;
      }
    }
    return best;
  }
}
