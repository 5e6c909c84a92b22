package io.mvmci.testing;

import io.mvmci.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real node in this JVM, started through {@link Main#start} exactly as the jar starts one: a TOML
 * file, real Ratis on loopback, real SQLite under a temporary directory, real HTTP.
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

  /** Writes configuration files for a cluster of {@code size} nodes under {@code dir}. */
  public static List<TestNode> cluster(Path dir, int size, String extraToml) {
    int[] raft = new int[size];
    int[] http = new int[size];
    for (int i = 0; i < size; i++) {
      raft[i] = FreePorts.next();
      http[i] = FreePorts.next();
    }
    String members = java.util.stream.IntStream.range(0, size)
        .mapToObj(i -> "\"" + (i + 1) + " 127.0.0.1:" + raft[i] + " 127.0.0.1:" + http[i] + "\"")
        .collect(Collectors.joining(", "));
    try {
      List<TestNode> nodes = new java.util.ArrayList<>();
      for (int i = 0; i < size; i++) {
        Path file = dir.resolve("node" + (i + 1) + ".toml");
        Files.writeString(file, """
            [node]
            node_id = %d
            data_dir = "%s"
            secret_raft = "test-raft-secret-0123456789"
            secret_api = "test-api-secret-0123456789"
            nodes = [%s]

            [raft]
            election_timeout_min_ms = 500
            election_timeout_max_ms = 1000

            [jobs]
            lease_ms = 2000
            heartbeat_ms = 500
            %s
            """.formatted(i + 1, dir.resolve("data" + (i + 1)), members, extraToml));
        nodes.add(new TestNode(i + 1, http[i], file));
      }
      return nodes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rewrites this node's configuration file (before it starts), e.g. to add keys to [node]. */
  public TestNode editConfig(java.util.function.UnaryOperator<String> edit) {
    try {
      Files.writeString(config, edit.apply(Files.readString(config)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Adds TOML lines to this node's [node] section (before it starts). */
  public TestNode withNodeKeys(String lines) {
    return editConfig(toml -> toml.replaceFirst("(?m)^secret_api = .*$", "$0\n" + java.util.regex.Matcher
        .quoteReplacement(lines)));
  }

  public Path dataDir() {
    return config.resolveSibling("data" + id);
  }

  public TestNode start() {
    context = Main.start(new String[] {"--config", config.toString()}, Map.of());
    return this;
  }

  public boolean running() {
    return context != null;
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
