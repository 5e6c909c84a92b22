package io.mvmci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The worker is split by side: the worker client ({@code io.mvmci.worker}) and the remote worker's
 * command know nothing of Raft, the store, Spring or the node-side pieces ({@code io.mvmci.worker.node});
 * and the entry point, the node's wiring and the remote worker do not depend on one another.
 */
class WorkerSideTest {
  static final Path MAIN = Path.of("src/main/java/io/mvmci");
  static final List<String> NODE_ONLY = List.of("io.mvmci.replication", "io.mvmci.store", "io.mvmci.worker.node",
      "io.mvmci.queue", "io.mvmci.api", "org.springframework", "org.apache.ratis");

  static List<Path> remoteWorkerSources() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> client = Files.list(MAIN.resolve("worker"))) {
      client.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
    }
    for (String root : List.of("RemoteWorker.java", "WorkerCommand.java", "WorkerOptions.java")) {
      files.add(MAIN.resolve(root));
    }
    return files;
  }

  @Test
  void theRemoteWorkersCodeImportsNothingFromTheNodeSide() throws IOException {
    List<Path> files = remoteWorkerSources();
    assertThat(files).hasSizeGreaterThan(15);
    for (Path file : files) {
      List<String> imports = Files.readAllLines(file).stream().filter(l -> l.startsWith("import ")).toList();
      for (String forbidden : NODE_ONLY) {
        assertThat(imports).as("%s imports %s", file, forbidden).noneMatch(l -> l.contains(forbidden));
      }
    }
  }

  /** Which classes of {@code io.mvmci} each one names in its code (comments left out). */
  static Map<String, Set<String>> rootReferences() throws IOException {
    Map<String, String> code = new TreeMap<>();
    try (Stream<Path> files = Files.list(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String name = f.getFileName().toString().replace(".java", "");
        code.put(name, Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", ""));
      }
    }
    Map<String, Set<String>> refs = new TreeMap<>();
    code.forEach((name, text) -> refs.put(name, code.keySet().stream()
        .filter(other -> !other.equals(name) && Pattern.compile("\\b" + other + "\\b").matcher(text).find())
        .collect(Collectors.toCollection(TreeSet::new))));
    return refs;
  }

  @Test
  void theRootClassesHaveNoCycle() throws IOException {
    Map<String, Set<String>> refs = rootReferences();
    assertThat(refs).containsKeys("Main", "WorkerWiring", "RemoteWorker", "MvmCiCommand", "NodeLauncher");
    for (String start : refs.keySet()) {
      Deque<String> todo = new ArrayDeque<>(refs.get(start));
      Set<String> seen = new HashSet<>();
      while (!todo.isEmpty()) {
        String next = todo.pop();
        assertThat(next).as("%s reaches itself; references: %s", start, refs).isNotEqualTo(start);
        if (seen.add(next)) {
          todo.addAll(refs.get(next));
        }
      }
    }
  }

  @Test
  void mainTheNodesWiringAndTheRemoteWorkerDoNotNameOneAnother() throws IOException {
    assertThat(Files.readString(MAIN.resolve("WorkerWiring.java"))).doesNotContain("Main.", "RemoteWorker");
    for (String remote : List.of("RemoteWorker.java", "WorkerCommand.java", "WorkerOptions.java")) {
      assertThat(Files.readString(MAIN.resolve(remote))).as(remote)
          .doesNotContain("Main.", "WorkerWiring", "NodeWiring", "NodeLauncher");
    }
    assertThat(Files.readString(MAIN.resolve("NodeLauncher.java"))).doesNotContain("Main.", "MvmCiCommand");
  }
}
