package io.mvmci.testing;

import io.mvmci.Main;
import io.mvmci.deploy.ModuleDeployer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real node in this JVM, started through {@link Main#start} exactly as the jar starts one: a TOML
 * file, real Ratis on loopback, real SQLite under a temporary directory, real HTTP. The in-process
 * cluster is a list of these ({@link #cluster}): quick to start and open to the test (its beans),
 * where {@link ProcessCluster} is what kill -9 needs.
 */
public final class TestNode implements AutoCloseable {
  public final int id;
  public final int httpPort;
  public final Path config;
  private ConfigurableApplicationContext context;

  private TestNode(int id, int httpPort, Path config) {
    this.id = id;
    this.httpPort = httpPort;
    this.config = config;
  }

  /**
   * Writes the configuration files of a cluster of {@code size} nodes under {@code dir} (see
   * {@link ClusterConfig}): quick elections and leases, then {@code extraToml}. Start them with
   * {@link #start} or {@link #startAll}.
   */
  public static List<TestNode> cluster(Path dir, int size, String extraToml) {
    ClusterConfig files = ClusterConfig.onFreePorts(dir, size);
    List<TestNode> nodes = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      Path file = files.write(id, ClusterConfig.SECRET_RAFT, "data" + id, """
          [raft]
          election_timeout_min_ms = 500
          election_timeout_max_ms = 1000

          [jobs]
          lease_ms = 2000
          heartbeat_ms = 500
          """ + extraToml);
      nodes.add(new TestNode(id, files.httpPort(id), file));
    }
    return nodes;
  }

  /** Starts every node at once, one thread each, and returns when all have started. */
  public static List<TestNode> startAll(List<TestNode> nodes) {
    ExecutorService starter = Executors.newFixedThreadPool(nodes.size());
    try {
      List<Future<TestNode>> started = nodes.stream().map(n -> starter.submit(n::start)).toList();
      for (Future<TestNode> f : started) {
        f.get();
      }
      return nodes;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a node did not start", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      starter.shutdown();
    }
  }

  /**
   * Rewrites this node's configuration file (before it starts), e.g. to add keys to [node]. An edit
   * that changes nothing fails: it is a test that believes it runs a configuration it does not.
   */
  public TestNode editConfig(UnaryOperator<String> edit) {
    try {
      String before = Files.readString(config);
      String after = edit.apply(before);
      if (after.equals(before)) {
        throw new IllegalArgumentException("the edit changed nothing in " + config + ":\n" + before);
      }
      Files.writeString(config, after);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Sets the value of a key the file already has (before it starts), such as {@code lease_ms}. */
  public TestNode set(String key, Object value) {
    return editConfig(toml -> toml.replaceFirst("(?m)^" + Pattern.quote(key) + " = .*$",
        Matcher.quoteReplacement(key + " = " + value)));
  }

  /** Adds TOML lines to this node's [node] section (before it starts). */
  public TestNode withNodeKeys(String lines) {
    return editConfig(toml -> toml.replaceFirst("(?m)^secret_api = .*$", "$0\n" + Matcher.quoteReplacement(lines)));
  }

  public Path dataDir() {
    return config.resolveSibling("data" + id);
  }

  public TestNode start() {
    return startWith();
  }

  /** Starts it with Spring properties as well, e.g. {@code --server.tomcat.threads.max=8}. */
  public TestNode startWith(String... springProperties) {
    String[] args = new String[springProperties.length + 2];
    args[0] = "--config";
    args[1] = config.toString();
    System.arraycopy(springProperties, 0, args, 2, springProperties.length);
    context = Main.start(args, Map.of());
    return this;
  }

  public boolean running() {
    return context != null;
  }

  /**
   * Deploys the test workflow {@code workflows/testing/<name>/<name>.wasm} through the first node and
   * waits (30 s at most) until every node lists it.
   */
  public static void deployEverywhere(List<TestNode> nodes, String name) throws Exception {
    nodes.get(0).bean(ModuleDeployer.class)
        .deploy(name, Files.readAllBytes(Path.of("workflows/testing", name, name + ".wasm")));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream().allMatch(n ->
        Http.get(n.url("/api/v1/modules")).body().contains("\"" + name + "\"")));
  }

  public String url(String path) {
    return "http://127.0.0.1:" + httpPort + path;
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  public <T> T bean(String name, Class<T> type) {
    return context.getBean(name, type);
  }

  public void stop() {
    if (context != null) {
      context.close();
      context = null;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
