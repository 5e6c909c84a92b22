package io.mvmci.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The configuration files of a cluster of real nodes on loopback: a free Raft port and a free HTTP
 * port per member, and per member a file {@code node<id>.toml} whose {@code [node]} section names
 * them all. The in-process cluster ({@link TestNode#cluster}) and the process cluster
 * ({@link ProcessCluster}) both write their files here, each adding its own sections.
 */
public final class ClusterConfig {
  public static final String SECRET_RAFT = "test-raft-secret-0123456789";
  public static final String SECRET_API = "test-api-secret-0123456789";
  /**
   * What every test node's runs may reach besides public addresses: the tests' local HTTP server
   * ({@link CountingServer}) on 127.0.0.1. A node's default denies loopback; a test that wants the
   * default writes its own {@code egress_allow} into its [workers] section.
   */
  public static final String EGRESS_ALLOW = "egress_allow = [\"127.0.0.1/32\"]";

  public final Path dir;
  private final int[] raft;
  private final int[] http;
  /** DataStream (artifact bytes) ports, written as each entry's fourth part. */
  private final int[] stream;
  private final List<String> hosts;

  private ClusterConfig(Path dir, int size, List<String> hosts) {
    this.dir = dir;
    this.hosts = List.copyOf(hosts);
    this.raft = IntStream.range(0, size).map(i -> FreePorts.next()).toArray();
    this.http = IntStream.range(0, size).map(i -> FreePorts.next()).toArray();
    this.stream = IntStream.range(0, size).map(i -> FreePorts.next()).toArray();
  }

  /** {@code size} members, ids 1 to size, on free loopback ports; files go under {@code dir}. */
  public static ClusterConfig onFreePorts(Path dir, int size) {
    return new ClusterConfig(dir, size, java.util.Collections.nCopies(size, "127.0.0.1"));
  }

  /** One member per host (member i+1 on {@code hosts.get(i)}), each on free ports; files go under {@code dir}. */
  public static ClusterConfig onHosts(Path dir, List<String> hosts) {
    return new ClusterConfig(dir, hosts.size(), hosts);
  }

  public String host(int id) {
    return hosts.get(id - 1);
  }

  public int size() {
    return http.length;
  }

  public int httpPort(int id) {
    return http[id - 1];
  }

  public Path file(int id) {
    return dir.resolve("node" + id + ".toml");
  }

  /** {@code sections} with {@link #EGRESS_ALLOW} in its [workers] section, unless it sets egress_allow. */
  static String withEgress(String sections) {
    if (sections.contains("egress_allow")) {
      return sections;
    }
    if (sections.matches("(?s)(.*\\n)?\\[workers\\]\\s*\\n.*")) {
      return sections.replaceFirst("\\[workers\\]\\s*\\n", "[workers]\n" + EGRESS_ALLOW + "\n");
    }
    return sections + "\n[workers]\n" + EGRESS_ALLOW + "\n";
  }

  /**
   * (Re)writes member {@code id}'s file: its {@code [node]} section with this Raft secret and data
   * directory ({@code dataDir}, under {@link #dir}), then {@code sections}, with {@link #EGRESS_ALLOW}.
   */
  public Path write(int id, String secretRaft, String dataDir, String sections) {
    String members = IntStream.range(0, size())
        .mapToObj(i -> "  \"" + (i + 1) + " " + hosts.get(i) + ":" + raft[i] + " " + hosts.get(i) + ":" + http[i]
            + " " + hosts.get(i) + ":" + stream[i] + "\"")
        .collect(Collectors.joining(",\n"));
    try {
      Files.createDirectories(dir);
      return Files.writeString(file(id), """
          [node]
          node_id = %d
          data_dir = "%s"
          secret_raft = "%s"
          secret_api = "%s"
          nodes = [
          %s
          ]

          %s
          """.formatted(id, dir.resolve(dataDir), secretRaft, SECRET_API, members, withEgress(sections)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
