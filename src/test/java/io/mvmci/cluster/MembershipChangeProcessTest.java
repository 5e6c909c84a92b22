package io.mvmci.cluster;

import static io.mvmci.testing.Http.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.Cli;
import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.CountingServer;
import io.mvmci.testing.FreePorts;
import io.mvmci.testing.Http;
import io.mvmci.testing.NodeProcess;
import io.mvmci.testing.ProcessCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Membership changes at runtime on real node processes under a steady load of crawler jobs whose pages
 * a local server counts: the group grows from three members to five and shrinks back to three, and a
 * killed member is replaced by a fresh node on other ports. New members start with an empty data
 * directory and {@code node.join}; they catch up as listeners before they vote. Removed members stop
 * by themselves. Every acknowledged job completes exactly once, and a page is fetched twice only for
 * a job that was re-run (a stopped or killed node's job in flight).
 *
 * <p>Both tests run, in order, on one cluster of three node processes and one page server: the
 * replacement starts from the group of 1, 2 and 3 that the shrink left, and its check covers every job
 * either test submitted (their pages have a prefix each). Three JVMs start once rather than twice.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MembershipChangeProcessTest {
  static final String FORM = "application/x-www-form-urlencoded";
  static final int SLOTS = 1;

  static ProcessCluster cluster;
  static CountingServer web;

  @BeforeAll
  static void start() throws Exception {
    cluster = ProcessCluster.start("members", SLOTS);
    web = new CountingServer();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (web != null) {
      web.close();
    }
  }

  /** A node started to join: its process and its Raft port. */
  record Joiner(NodeProcess node, int raftPort) {
    String raft() {
      return "127.0.0.1:" + raftPort;
    }

    String http() {
      return "127.0.0.1:" + node.httpPort;
    }
  }

  @Test
  @Order(1)
  void theGroupGrowsFromThreeToFiveAndBackUnderLoadLosingNothing() throws Exception {
    List<NodeProcess> extra = new ArrayList<>();
    try {
      grow(cluster, web, extra);
    } catch (AssertionError | RuntimeException e) {
      System.out.println("---- node logs:\n" + cluster.logs());
      extra.forEach(n -> describe(n, true));
      cluster.nodes.forEach(n -> describe(n, false));
      throw e;
    } finally {
      extra.forEach(NodeProcess::destroy);
    }
  }

  /**
   * A node as it is now, for a failure: its log's tail, its warnings, errors and Raft state changes,
   * its view of the group, and ({@code threads}) a thread dump. This is how the failure below was
   * found: a joiner's division closed by Ratis during its promotion (replication/DESIGN.md).
   */
  static void describe(NodeProcess n, boolean threads) {
    System.out.println("==== node " + n.id + "\n" + n.tail(60));
    System.out.println("==== node " + n.id + " warnings, errors and Raft state changes\n" + n.output().lines()
        .filter(l -> l.matches("^\\d{4}-.*") && (l.contains(" WARN ") || l.contains(" ERROR ")
            || l.contains("CLOS") || l.contains("napshot") || l.contains("changes role") || l.contains("StateMachine")
            || l.contains("submit vote requests") || l.contains("result ") || l.contains("onf")))
        .filter(l -> !l.contains("Failed appendEntries") && !l.contains("GrpcUtil"))
        .limit(200).collect(java.util.stream.Collectors.joining("\n")));
    try {
      System.out.println("==== node " + n.id + " /api/v1/cluster: " + n.cluster());
    } catch (RuntimeException e) {
      System.out.println("==== node " + n.id + " /api/v1/cluster: " + e);
    }
    if (!threads) {
      return;
    }
    try {
      Process jstack = new ProcessBuilder("jstack", Long.toString(n.pid())).redirectErrorStream(true).start();
      String dump = new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jstack.waitFor();
      System.out.println("==== node " + n.id + " threads\n" + dump);
    } catch (IOException | RuntimeException e) {
      System.out.println("==== node " + n.id + " threads: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void grow(ProcessCluster cluster, CountingServer web, List<NodeProcess> extra) throws Exception {
    cluster.awaitLeader(cluster.nodes, ProcessCluster.START_DEADLINE);
    NodeProcess n1 = cluster.node(1);
    List<NodeProcess> live = new CopyOnWriteArrayList<>(cluster.nodes);
    List<Submitter.Ack> acks;
    try (Submitter load = new Submitter(live, 2, (t, n) -> web.url("/grow/" + t + "/" + n), 20)) {
      await("the load runs").atMost(Duration.ofSeconds(60)).until(() -> load.acks().size() >= 20);
      Joiner four = join(cluster, 4, n1);
      Joiner five = join(cluster, 5, n1);
      extra.add(four.node());
      extra.add(five.node());
      four.node().awaitUp(ProcessCluster.START_DEADLINE);
      five.node().awaitUp(ProcessCluster.START_DEADLINE);
      assertThat(roles(four.node())).as("a joiner before it is added is not in the group").doesNotContainKey(4);

      // through the admin API on one node, and through the command line on another
      long before = System.nanoTime();
      Http.Reply added = addMember(cluster.node(2), four);
      assertThat(added.status()).as(added.body()).isEqualTo(200);
      System.out.printf("member 4 added (caught up, then promoted) in %d ms%n", (System.nanoTime() - before) / 1_000_000);
      Cli.Run cli = Cli.run(Map.of("MVMCI_URL", cluster.node(3).url(""), "MVMCI_SECRET_API", ClusterConfig.SECRET_API),
          "cluster", "add", "5", five.raft(), five.http());
      assertThat(cli.status()).as(cli.err()).isZero();
      assertThat(cli.out()).contains("voter");
      assertThat(cluster.node(2).output()).as("node 4 caught up as a listener first")
          .contains("adding member 4 (127.0.0.1:" + four.raftPort() + ", http " + four.http() + ") as a listener")
          .contains("member 4 caught up to index");
      for (NodeProcess n : List.of(n1, cluster.node(2), cluster.node(3), four.node(), five.node())) {
        await("node " + n.id + " sees five voters").atMost(Duration.ofSeconds(30)).ignoreExceptions()
            .until(() -> roles(n), r -> r.equals(Map.of(1, "voter", 2, "voter", 3, "voter", 4, "voter", 5, "voter")));
      }
      live.add(four.node());
      live.add(five.node());
      long grown = System.nanoTime();
      await("the five-member group takes writes through the new members")
          .atMost(Duration.ofSeconds(60)).until(() -> load.acks().stream()
              .filter(a -> a.atNanos() > grown && a.node() >= 4).count() >= 10);

      // shrink back: the removed members stop by themselves
      live.remove(four.node());
      live.remove(five.node());
      Http.Reply removed = Http.delete(n1.url("/api/v1/admin/cluster/members/4"), ClusterConfig.SECRET_API);
      assertThat(removed.status()).as(removed.body()).isEqualTo(200);
      cli = Cli.run(Map.of("MVMCI_URL", cluster.node(2).url(""), "MVMCI_SECRET_API", ClusterConfig.SECRET_API),
          "cluster", "remove", "5");
      assertThat(cli.status()).as(cli.err()).isZero();
      for (Joiner j : List.of(four, five)) {
        assertThat(j.node().awaitExit(Duration.ofSeconds(60))).as("node %d's exit status", j.node().id).isZero();
        assertThat(j.node().output()).contains("node " + j.node().id + " was removed from the cluster");
      }
      long shrunk = System.nanoTime();
      await("the three-member group takes writes again").atMost(Duration.ofSeconds(60))
          .until(() -> load.acksAfter(shrunk) >= 20);
      load.close();
      acks = load.acks();
      System.out.printf("%d jobs acknowledged; other outcomes %s%n", acks.size(), load.failures());
    }
    for (NodeProcess n : cluster.nodes) {
      assertThat(roles(n)).isEqualTo(Map.of(1, "voter", 2, "voter", 3, "voter"));
    }
    verify(cluster.nodes, acks, web);
  }

  @Test
  @Order(2)
  void aKilledMemberIsReplacedByAFreshNodeOnOtherPortsWhileJobsFlow() throws Exception {
    List<NodeProcess> extra = new ArrayList<>();
    try {
      replace(cluster, web, extra);
    } catch (AssertionError | RuntimeException e) {
      System.out.println("---- node logs:\n" + cluster.logs());
      extra.forEach(n -> describe(n, true));
      throw e;
    } finally {
      extra.forEach(NodeProcess::destroy);
    }
  }

  private static void replace(ProcessCluster cluster, CountingServer web, List<NodeProcess> extra) throws Exception {
    cluster.awaitLeader(cluster.nodes, ProcessCluster.START_DEADLINE);
    NodeProcess n1 = cluster.node(1);
    NodeProcess n2 = cluster.node(2);
    NodeProcess n3 = cluster.node(3);
    List<NodeProcess> live = new CopyOnWriteArrayList<>(cluster.nodes);
    List<Submitter.Ack> acks;
    try (Submitter load = new Submitter(live, 2, (t, n) -> web.url("/replace/" + t + "/" + n), 20)) {
      await("the load runs").atMost(Duration.ofSeconds(60)).until(() -> load.acks().size() >= 20);
      live.remove(n3);
      assertThat(n3.kill()).isEqualTo(137);
      Joiner six = join(cluster, 6, n1);
      extra.add(six.node());
      six.node().awaitUp(ProcessCluster.START_DEADLINE);
      Cli.Run cli = Cli.run(Map.of("MVMCI_URL", n2.url(""), "MVMCI_SECRET_API", ClusterConfig.SECRET_API),
          "cluster", "replace", "--old", "3", "6", six.raft(), six.http());
      assertThat(cli.status()).as(cli.err()).isZero();
      for (NodeProcess n : List.of(n1, n2, six.node())) {
        await("node " + n.id + " sees members 1, 2 and 6").atMost(Duration.ofSeconds(30)).ignoreExceptions()
            .until(() -> roles(n), r -> r.equals(Map.of(1, "voter", 2, "voter", 6, "voter")));
      }
      live.add(six.node());
      long replaced = System.nanoTime();
      await("writes go on through the new member").atMost(Duration.ofSeconds(60))
          .until(() -> load.acks().stream().filter(a -> a.atNanos() > replaced && a.node() == 6).count() >= 5);

      // Node 1 restarts with its file, which still lists 1, 2 and 3: it follows the replicated members.
      // While it is down, 2 and 6 are the quorum, so the new member votes.
      live.remove(n1);
      assertThat(n1.terminate(60)).isIn(0, 143);
      long oneDown = System.nanoTime();
      await("members 2 and 6 alone take writes").atMost(Duration.ofSeconds(60))
          .until(() -> load.acksAfter(oneDown) >= 10);
      n1.start();
      n1.awaitReady(ProcessCluster.START_DEADLINE);
      assertThat(roles(n1)).isEqualTo(Map.of(1, "voter", 2, "voter", 6, "voter"));
      live.add(n1);
      long back = System.nanoTime();
      await("the group of 1, 2 and 6 takes writes through node 1").atMost(Duration.ofSeconds(60))
          .until(() -> load.acks().stream().filter(a -> a.atNanos() > back && a.node() == 1).count() >= 5);
      load.close();
      acks = load.acks();
      System.out.printf("%d jobs acknowledged; other outcomes %s%n", acks.size(), load.failures());
    }
    verify(List.of(n1, n2, extra.get(0)), acks, web);
  }

  /**
   * A linearizable read's answer, asserted to be a 200: a node restarted a moment ago answers 503 ("no
   * leader or no quorum") until it hears from the leader, and a full local run once saw that 503 here,
   * which the poll around this must ask again after.
   */
  static JsonNode readOk(NodeProcess n, String path) {
    Http.Reply r = get(n.url(path));
    assertThat(r.status()).as("GET %s on node %d: %s", path, n.id, r.body()).isEqualTo(200);
    return r.json();
  }

  /** Starts node {@code id} on free ports with an empty data directory, joining through {@code via}. */
  static Joiner join(ProcessCluster cluster, int id, NodeProcess via) throws IOException {
    int raft = FreePorts.next();
    int http = FreePorts.next();
    Path config = cluster.dir.resolve("node" + id + ".toml");
    Files.writeString(config, """
        [node]
        node_id = %d
        data_dir = "%s"
        secret_raft = "%s"
        secret_api = "%s"
        nodes = ["%d 127.0.0.1:%d 127.0.0.1:%d"]
        join = "127.0.0.1:%d"

        [workers]
        embedded = %d
        %s
        """.formatted(id, cluster.dir.resolve("data" + id), ClusterConfig.SECRET_RAFT, ClusterConfig.SECRET_API,
        id, raft, http, via.httpPort, SLOTS, ClusterConfig.EGRESS_ALLOW));
    // Ratis's role and configuration changes of a joiner, for a failure's log (describe)
    NodeProcess n = new NodeProcess(id, http, config, cluster.dir.resolve("node" + id + ".log"),
        Map.of("LOGGING_LEVEL_ORG_APACHE_RATIS_SERVER_IMPL", "INFO"));
    n.start();
    return new Joiner(n, raft);
  }

  static Http.Reply addMember(NodeProcess via, Joiner j) {
    String body = "{\"id\":" + j.node().id + ",\"raft\":\"" + j.raft() + "\",\"http\":\"" + j.http() + "\"}";
    return Http.post(via.url("/api/v1/admin/cluster/members"), "application/json",
        body.getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer " + ClusterConfig.SECRET_API);
  }

  /** The group's members as node {@code n} sees them: id to role. */
  static Map<Integer, String> roles(NodeProcess n) {
    Map<Integer, String> out = new HashMap<>();
    for (JsonNode m : n.cluster().get("members")) {
      out.put(m.get("id").asInt(), m.get("role").asString());
    }
    return out;
  }

  /**
   * Every acknowledged job is listed with its url and completes; each completes once; a page is
   * fetched at most twice, twice only for a re-run job; and every node's copy has every job.
   */
  static void verify(List<NodeProcess> nodes, List<Submitter.Ack> acks, CountingServer web) {
    NodeProcess reader = nodes.get(0);
    await("every job completes").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
        .ignoreExceptions().untilAsserted(() -> {
          JsonNode stats = readOk(reader, "/queue/stats");
          assertThat(stats.get("Completed").asLong()).as("%s", stats).isEqualTo(stats.get("total").asLong());
        });
    Map<String, JsonNode> jobs = new HashMap<>();
    JsonNode list = await("node " + reader.id + " lists the jobs").atMost(Duration.ofSeconds(60))
        .ignoreExceptions().until(() -> readOk(reader, "/queue/list"), java.util.Objects::nonNull);
    for (JsonNode j : list) {
      jobs.put(j.get("job_id").asString(), j);
    }
    for (Submitter.Ack a : acks) {
      assertThat(jobs).as("acknowledged %s (by node %d)", a.jobId(), a.node()).containsKey(a.jobId());
      assertThat(jobs.get(a.jobId()).get("url").asString()).isEqualTo(a.url());
    }
    Map<String, JsonNode> byPath = new HashMap<>();
    jobs.values().forEach(j -> byPath.put(java.net.URI.create(j.get("url").asString()).getPath(), j));
    web.allHits().forEach((path, hits) ->
        assertThat(byPath).as("a page fetched for a job that is not in the queue").containsKey(path));
    int rerun = 0;
    for (Map.Entry<String, JsonNode> e : byPath.entrySet()) {
      JsonNode job = e.getValue();
      int hits = web.hits(e.getKey());
      assertThat(hits).as("fetches of %s (%s)", e.getKey(), job).isBetween(1, 2);
      if (hits == 2) {
        assertThat(job.get("attempt").asInt()).as("a doubled fetch belongs to a re-run job: %s", job).isGreaterThan(1);
      }
      if (job.get("attempt").asInt() > 1) {
        rerun++;
        long completions = 0;
        for (JsonNode ev : get(reader.url("/api/v1/jobs/" + job.get("job_id").asString() + "/events")).json().get("events")) {
          completions += ev.get("status").asString().equals("Completed") ? 1 : 0;
        }
        assertThat(completions).as("completions of %s", job.get("job_id")).isEqualTo(1);
      }
    }
    System.out.printf("%d jobs, %d re-run%n", jobs.size(), rerun);
    for (NodeProcess n : nodes) {
      await("node " + n.id + "'s copy has every job").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(get(n.url("/queue/stats?consistency=local")).json().get("total").asLong()).isEqualTo(jobs.size()));
    }
  }
}
