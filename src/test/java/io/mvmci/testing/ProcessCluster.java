package io.mvmci.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Three {@link NodeProcess}es on free loopback ports, each with its own TOML file
 * ({@link ClusterConfig}, with the product's default timings) and data directory under a temporary
 * directory. Closing it kills every process and deletes the directory (unless
 * {@code -Dmvmci.cluster.keep=true} or {@link #keepOnClose}, for a post-mortem); the end of the JVM kills the
 * processes, leaving the directory.
 */
public final class ProcessCluster implements AutoCloseable {
  /**
   * JVM start-up of three Spring Boot nodes at once on two busy cores; {@code -Dmvmci.cluster.startSeconds}
   * lengthens it on a machine busier still.
   */
  public static final Duration START_DEADLINE = Duration.ofSeconds(Long.getLong("mvmci.cluster.startSeconds", 150));

  public final Path dir;
  public final List<NodeProcess> nodes;
  private final String extraToml;
  private final ClusterConfig files;
  /** {@code [workers] embedded} of every node: 0 keeps the queue tests free of job runs. */
  private final int embeddedWorkers;
  private final Thread reaper;
  private volatile boolean keep;

  /**
   * Where member {@code id} (from 1) runs: its address, and the words launched before java (none on
   * loopback; {@code ip netns exec NS} in a network namespace).
   */
  public interface Placement {
    String host(int id);

    List<String> prefix(int id);

    Placement LOOPBACK = new Placement() {
      @Override
      public String host(int id) {
        return "127.0.0.1";
      }

      @Override
      public List<String> prefix(int id) {
        return List.of();
      }
    };
  }

  private ProcessCluster(Path dir, int size, int embeddedWorkers, String extraToml, Placement placement) {
    this.dir = dir;
    this.files = ClusterConfig.onHosts(dir,
        java.util.stream.IntStream.rangeClosed(1, size).mapToObj(placement::host).toList());
    this.embeddedWorkers = embeddedWorkers;
    this.extraToml = extraToml;
    List<NodeProcess> list = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      Path config = writeConfig(id, ClusterConfig.SECRET_RAFT, "data" + id);
      list.add(new NodeProcess(id, placement.host(id), files.httpPort(id), config, dir.resolve("node" + id + ".log"),
          Map.of(), placement.prefix(id)));
    }
    this.nodes = List.copyOf(list);
    // If the test JVM is stopped, its children must not outlive it.
    this.reaper = new Thread(() -> nodes.forEach(NodeProcess::destroy), "cluster-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** (Re)writes node {@code id}'s file: every member, this Raft secret, this data directory under dir. */
  public Path writeConfig(int id, String secretRaft, String dataDir) {
    return files.write(id, secretRaft, dataDir, "[workers]\nembedded = " + embeddedWorkers + "\n" + extraToml);
  }

  /** Three nodes without workers, started; returns once each answers HTTP. */
  public static ProcessCluster start(String name) throws IOException {
    return start(name, 0);
  }

  /** Three nodes, each running {@code embeddedWorkers} workers, started; returns once each answers HTTP. */
  public static ProcessCluster start(String name, int embeddedWorkers) throws IOException {
    return start(name, embeddedWorkers, "");
  }

  /** {@link #start(String, int)} with more TOML sections in every node's file (say, a short lease). */
  public static ProcessCluster start(String name, int embeddedWorkers, String extraToml) throws IOException {
    return start(name, 3, embeddedWorkers, extraToml, Placement.LOOPBACK);
  }

  /** {@code size} nodes placed by {@code placement}, each with these workers and sections; started and answering. */
  public static ProcessCluster start(String name, int size, int embeddedWorkers, String extraToml,
      Placement placement) throws IOException {
    ProcessCluster c = new ProcessCluster(Files.createTempDirectory("mvmci-" + name), size, embeddedWorkers,
        extraToml, placement);
    try {
      c.nodes.forEach(NodeProcess::start);
      c.nodes.forEach(c::awaitUp);
      return c;
    } catch (RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  public NodeProcess node(int id) {
    return nodes.get(id - 1);
  }

  public void awaitUp(NodeProcess n) {
    n.awaitUp(START_DEADLINE);
  }

  /**
   * The leader that every given node agrees on, once they do; the node it names must itself say it
   * leads. Fails after {@code deadline}.
   */
  public NodeProcess awaitLeader(List<NodeProcess> among, Duration deadline) {
    return await("a leader agreed by nodes " + among.stream().map(n -> n.id).toList())
        .atMost(deadline).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
        .until(() -> agreedLeader(among), Optional::isPresent).orElseThrow();
  }

  private Optional<NodeProcess> agreedLeader(List<NodeProcess> among) {
    Integer leader = null;
    for (NodeProcess n : among) {
      JsonNode id = n.cluster().get("leader_id");
      if (id == null || id.isNull() || (leader != null && leader != id.asInt())) {
        return Optional.empty();
      }
      leader = id.asInt();
    }
    NodeProcess l = node(leader);
    return l.alive() && "leader".equals(l.cluster().get("role").asString()) ? Optional.of(l)
        : Optional.empty();
  }

  public List<NodeProcess> others(NodeProcess n) {
    return nodes.stream().filter(o -> o != n).toList();
  }

  /** {@code GET /queue/list} (linearizable): job id to url, in list order. */
  public static Map<String, String> list(NodeProcess n) {
    return list(n, "/queue/list");
  }

  public static Map<String, String> list(NodeProcess n, String path) {
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

  /** The tail of every node's log, for a failure message. */
  public String logs() {
    return nodes.stream().map(n -> "==== node " + n.id + " (" + n.log + ")\n" + n.tail(30))
        .collect(Collectors.joining("\n"));
  }

  /** Keeps {@link #dir} (data directories and logs) when the cluster closes: a failure's evidence. */
  public void keepOnClose() {
    keep = true;
  }

  @Override
  public void close() {
    nodes.forEach(NodeProcess::destroy);
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs anyway
    }
    if (!keep && !Boolean.getBoolean("mvmci.cluster.keep")) {
      TestDirs.delete(dir);
    }
  }
}
