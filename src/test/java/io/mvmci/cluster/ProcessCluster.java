package io.mvmci.cluster;

import static org.awaitility.Awaitility.await;

import io.mvmci.testing.FreePorts;
import io.mvmci.testing.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Three (or more) {@link NodeProcess}es on free loopback ports, each with its own TOML file and data
 * directory under a temporary directory. Closing it kills every process and deletes the directory
 * (unless {@code -Dmvmci.cluster.keep=true}, for a post-mortem of the logs).
 */
final class ProcessCluster implements AutoCloseable {
  static final String SECRET_RAFT = "cluster-test-raft-secret-0123456789";
  static final String SECRET_API = "cluster-test-api-secret-0123456789";
  /** JVM start-up of three Spring Boot nodes at once on two busy cores. */
  static final Duration START_DEADLINE = Duration.ofSeconds(150);

  final Path dir;
  final List<NodeProcess> nodes;
  private final Thread reaper;

  private final String members;
  /** {@code [workers] embedded} of every node: 0 keeps the queue tests free of job runs. */
  private final int embeddedWorkers;

  private ProcessCluster(Path dir, int size, int embeddedWorkers) throws IOException {
    this.dir = dir;
    this.embeddedWorkers = embeddedWorkers;
    int[] raft = new int[size];
    int[] http = new int[size];
    for (int i = 0; i < size; i++) {
      raft[i] = FreePorts.next();
      http[i] = FreePorts.next();
    }
    this.members = IntStream.range(0, size)
        .mapToObj(i -> "  \"" + (i + 1) + " 127.0.0.1:" + raft[i] + " 127.0.0.1:" + http[i] + "\"")
        .collect(Collectors.joining(",\n"));
    List<NodeProcess> list = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      list.add(new NodeProcess(i + 1, http[i], writeConfig(i + 1, SECRET_RAFT, "data" + (i + 1))));
    }
    this.nodes = List.copyOf(list);
    // If the test JVM is stopped, its children must not outlive it.
    this.reaper = new Thread(() -> nodes.forEach(NodeProcess::destroy), "cluster-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** (Re)writes node {@code id}'s file: every member, this secret, this data directory under dir. */
  Path writeConfig(int id, String secretRaft, String dataDir) throws IOException {
    Path file = dir.resolve("node" + id + ".toml");
    Files.writeString(file, """
        [node]
        node_id = %d
        data_dir = "%s"
        secret_raft = "%s"
        secret_api = "%s"
        nodes = [
        %s
        ]
        listen_addr_raft = "127.0.0.1"
        listen_addr_api = "127.0.0.1"

        [workers]
        embedded = %d
        """.formatted(id, dir.resolve(dataDir), secretRaft, SECRET_API, members, embeddedWorkers));
    return file;
  }

  /** Writes the files of three nodes without workers and starts them; returns once each answers HTTP. */
  static ProcessCluster start(String name) throws IOException {
    return start(name, 0);
  }

  /** Three nodes, each running {@code embeddedWorkers} workers. */
  static ProcessCluster start(String name, int embeddedWorkers) throws IOException {
    ProcessCluster c = new ProcessCluster(Files.createTempDirectory("mvmci-" + name), 3, embeddedWorkers);
    try {
      c.nodes.forEach(NodeProcess::start);
      c.nodes.forEach(c::awaitUp);
      return c;
    } catch (RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  NodeProcess node(int id) {
    return nodes.get(id - 1);
  }

  void awaitUp(NodeProcess n) {
    await("node " + n.id + " answers HTTP").atMost(START_DEADLINE).pollInterval(Duration.ofMillis(200))
        .until(n::isUp);
  }

  /**
   * The leader that every given node agrees on, once they do; the node it names must itself say it
   * leads. Fails after {@code deadline}.
   */
  NodeProcess awaitLeader(List<NodeProcess> among, Duration deadline) {
    return await("a leader agreed by nodes " + among.stream().map(n -> n.id).toList())
        .atMost(deadline).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
        .until(() -> agreedLeader(among), Optional::isPresent).orElseThrow();
  }

  private Optional<NodeProcess> agreedLeader(List<NodeProcess> among) {
    Integer leader = null;
    for (NodeProcess n : among) {
      JsonNode v = n.cluster();
      JsonNode id = v.get("leader_id");
      if (id == null || id.isNull() || (leader != null && leader != id.asInt())) {
        return Optional.empty();
      }
      leader = id.asInt();
    }
    NodeProcess l = node(leader);
    return l.alive() && "leader".equals(l.cluster().get("role").asString()) ? Optional.of(l)
        : Optional.empty();
  }

  List<NodeProcess> others(NodeProcess n) {
    return nodes.stream().filter(o -> o != n).toList();
  }

  /** {@code GET /queue/list} (linearizable): job id to url, in list order. */
  static Map<String, String> list(NodeProcess n) {
    return list(n, "/queue/list");
  }

  static Map<String, String> list(NodeProcess n, String path) {
    Http.Reply r = Http.get(n.url(path));
    if (r.status() != 200) {
      throw new AssertionError("node " + n.id + " answered " + path + " with " + r.status() + ": " + r.body());
    }
    Map<String, String> jobs = new LinkedHashMap<>();
    for (JsonNode j : r.json()) {
      String id = j.get("job_id").asString();
      if (jobs.put(id, j.get("url").asString()) != null) {
        throw new AssertionError("node " + n.id + " lists " + id + " twice");
      }
    }
    return jobs;
  }

  /** Everything the nodes logged, for a failure message. */
  String logs() {
    return nodes.stream().map(n -> "==== node " + n.id + " (" + n.log + ")\n" + n.tail(30))
        .collect(Collectors.joining("\n"));
  }

  @Override
  public void close() {
    nodes.forEach(NodeProcess::destroy);
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs anyway
    }
    if (!Boolean.getBoolean("mvmci.cluster.keep")) {
      delete(dir);
    }
  }

  private static void delete(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
