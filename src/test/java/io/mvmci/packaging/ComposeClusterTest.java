package io.mvmci.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.Http;
import java.io.File;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import tools.jackson.databind.JsonNode;

/**
 * The real thing: docker-compose.yml builds the image and starts the three nodes; a job submitted
 * to the leader survives the leader's container being killed (SIGKILL) and completes on the two
 * others, which go on accepting work. Skipped where there is no Docker engine, or no compose v2
 * ({@code docker compose}), which Testcontainers drives here.
 *
 * <p>Uses the host ports of the compose file (3020-3022): they must be free. Finds the leader
 * with {@code GET /api/v1/cluster}.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeClusterTest {
  private static final List<String> NODES = List.of("node1", "node2", "node3");
  private static final Duration FAILOVER = Duration.ofSeconds(90);
  private static ComposeContainer cluster;
  private static String host;

  @BeforeAll
  static void startCluster() {
    assumeThat(ComposeFileTest.composeCommand()).as("docker compose (v2)").isEqualTo(List.of("docker", "compose"));
    cluster = new ComposeContainer(new File("docker-compose.yml"))
        .withServices(NODES.toArray(String[]::new))
        .withBuild(true)
        .withPull(false)
        .withTailChildContainers(true)
        .withStartupTimeout(Duration.ofMinutes(5));
    for (String node : NODES) {
      cluster.waitingFor(node, Wait.forHealthcheck());
    }
    cluster.start();
    host = DockerClientFactory.instance().dockerHostIpAddress();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.stop();
    }
  }

  private static String url(String node, String path) {
    return "http://" + host + ":" + (3020 + NODES.indexOf(node)) + path;
  }

  @Test
  void aJobSubmittedToTheLeaderFinishesOnTheOthersAfterTheLeaderIsKilled() {
    String leader = await().atMost(FAILOVER).until(ComposeClusterTest::leader, l -> l != null);
    List<String> survivors = NODES.stream().filter(n -> !n.equals(leader)).toList();

    // The crawler is pointed at a node inside the compose network (no outside access needed): the
    // default egress policy denies it (a private address, and a port of the cluster), so the job runs
    // and fails, with the denial as its error, on whichever node claims it.
    String target = "http://" + survivors.get(0) + ":3020/actuator/health";
    Http.Reply created = Http.post(url(leader, "/new-job"), "application/x-www-form-urlencoded",
        "url=" + target);
    assertThat(created.status()).isEqualTo(201);
    String job = created.json().get("job_id").asString();

    ContainerState leaderContainer = cluster.getContainerByServiceName(leader).orElseThrow();
    DockerClientFactory.instance().client().killContainerCmd(leaderContainer.getContainerId()).exec();

    for (String node : survivors) {
      await().atMost(FAILOVER).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(status(node, job)).as("%s on %s", job, node).isEqualTo("Failed"));
    }
    String newLeader = await().atMost(FAILOVER).until(() -> leaderSeenBy(survivors.get(0)), survivors::contains);

    Http.Reply after = Http.post(url(survivors.get(1), "/new-job"), "application/x-www-form-urlencoded",
        "url=http://" + newLeader + ":3020/actuator/health");
    assertThat(after.status()).as("the two survivors accept work").isEqualTo(201);
    String second = after.json().get("job_id").asString();
    await().atMost(FAILOVER).untilAsserted(() -> assertThat(status(survivors.get(0), second)).isEqualTo("Failed"));
  }

  /** The leader by node1's, node2's or node3's view, whichever answers first. */
  private static String leader() {
    for (String node : NODES) {
      String seen = leaderSeenBy(node);
      if (seen != null) {
        return seen;
      }
    }
    return null;
  }

  private static String leaderSeenBy(String node) {
    try {
      Http.Reply r = Http.get(url(node, "/api/v1/cluster"));
      assertThat(r.status()).as("GET /api/v1/cluster on %s (this test needs it)", node).isEqualTo(200);
      JsonNode id = r.json().get("leader_id");
      return id == null || id.isNull() ? null : "node" + id.asInt();
    } catch (UncheckedIOException e) {
      return null;
    }
  }

  private static String status(String node, String jobId) {
    for (JsonNode j : Http.get(url(node, "/queue/list")).json()) {
      if (j.get("job_id").asString().equals(jobId)) {
        return j.get("status").asString();
      }
    }
    return "absent";
  }
}
