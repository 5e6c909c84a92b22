package io.mvmci.ops;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.Cli;
import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The consistency checks on a real three-node cluster: the leader's periodic check finds the copies
 * alike; a row changed behind the log's back on one member (what a divergence looks like) makes the
 * next check name that member and the table on every member, turns its {@code consistency} health
 * DOWN and its {@code mvmci_consistency_diverged} gauge to 1, and leaves the others UP;
 * {@code mvm-ci cluster check} says the same and exits 1. The summary any API reader gets
 * ({@code GET /api/v1/cluster/consistency}, no digests) says agree, then differ with the last index
 * that agreed.
 */
class ConsistencyCheckTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String PATH = "/api/v1/admin/cluster/consistency";
  static final String[] ADMIN = {"Authorization", "Bearer " + ClusterConfig.SECRET_API};
  static final String SUMMARY = "/api/v1/cluster/consistency";

  @Test
  void theCopiesAgreeAndACopyChangedBehindTheLogsBackIsNamedOnEveryMember() throws Exception {
    Path dir = dirs.create("mvmci-consistency");
    List<TestNode> nodes = TestNode.cluster(dir, 3, "\n[workers]\nembedded = 1\n");
    nodes.forEach(n -> n.editConfig(toml -> toml.replace("election_timeout_max_ms = 1000\n",
        "election_timeout_max_ms = 1000\nconsistency_check_interval_ms = 2000\n")));
    TestNode.startAll(nodes);
    try {
      for (int i = 0; i < 5; i++) {
        Reply r = post(nodes.get(i % 3).url("/api/v1/jobs"), "application/json",
            "{\"workflow\":\"noop\",\"input\":{}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
      }

      // the leader's periodic check: every member reports, and the digests agree
      await("a periodic check every member agrees on").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250)).until(() -> nodes.stream().allMatch(n -> {
            JsonNode checks = get(n.url(PATH), ADMIN).json().get("checks");
            for (JsonNode c : checks) {
              if (c.get("requested_by").asString().equals("schedule") && c.get("outcome").asString().equals("agree")) {
                if (c.get("reports").size() != 3) {
                  return false;
                }
                // times as everywhere in the API, the check's and each report's
                java.time.Instant.parse(c.get("requested_at").asString());
                c.get("reports").forEach(r -> java.time.Instant.parse(r.get("reported_at").asString()));
                return true;
              }
            }
            return false;
          }));
      for (TestNode n : nodes) {
        JsonNode health = get(n.url("/actuator/health"), ADMIN).json().get("components").get("consistency");
        assertThat(health.get("status").asString()).as("node %d", n.id).isEqualTo("UP");
      }

      // the summary, without a credential (no [api] token here): the newest check once it is complete
      JsonNode agreed = awaitSummary(nodes.get(1), "agree");
      JsonNode latest = agreed.get("latest");
      assertThat(latest.get("members").asInt()).isEqualTo(3);
      assertThat(latest.get("requested_by").asString()).isEqualTo("schedule");
      assertThat(java.time.Instant.parse(latest.get("requested_at").asString()))
          .isBetween(java.time.Instant.now().minusSeconds(120), java.time.Instant.now().plusSeconds(5));
      assertThat(latest.get("differing_members").toString()).isEqualTo("[]");
      assertThat(latest.get("differing_tables").toString()).isEqualTo("[]");
      assertThat(latest.get("not_compared").toString()).isEqualTo("[]");
      assertThat(agreed.get("last_agreed").get("check_index").asLong()).isEqualTo(latest.get("check_index").asLong());
      assertThat(agreed.get("last_agreed").get("requested_at").asString()).isEqualTo(latest.get("requested_at").asString());
      long agreedIndex = latest.get("check_index").asLong();

      // node 3's copy changed behind the log's back
      try (Connection w = DriverManager.getConnection("jdbc:sqlite:" + nodes.get(2).dataDir().resolve("db/queue.sqlite"));
           Statement s = w.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000");
        assertThat(s.executeUpdate("UPDATE jobs SET input = input || ' ' WHERE seq = (SELECT min(seq) FROM jobs)"))
            .isEqualTo(1);
      }
      Reply started = post(nodes.get(0).url(PATH), null, new byte[0], ADMIN);
      assertThat(started.status()).as(started.body()).isEqualTo(202);
      long index = started.json().get("check_index").asLong();
      assertThat(started.json().get("requested_by").asString()).isEqualTo("api");

      List<JsonNode> verdicts = new ArrayList<>();
      await("every member names node 3").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
          .until(() -> {
            verdicts.clear();
            for (TestNode n : nodes) {
              for (JsonNode c : get(n.url(PATH + "?limit=100"), ADMIN).json().get("checks")) {
                if (c.get("check_index").asLong() == index && c.get("reports").size() == 3) {
                  verdicts.add(c);
                }
              }
            }
            return verdicts.size() == 3;
          });
      for (JsonNode v : verdicts) {
        assertThat(v.get("outcome").asString()).isEqualTo("differ");
        assertThat(v.get("differing_members").toString()).isEqualTo("[3]");
        assertThat(v.get("differing_tables").toString()).isEqualTo("[\"jobs\"]");
      }
      // the summary on every member: differ, naming node 3 and the table, and the last check that agreed
      for (TestNode n : nodes) {
        JsonNode differ = awaitSummary(n, "differ");
        latest = differ.get("latest");
        assertThat(latest.get("check_index").asLong()).as("node %d", n.id).isGreaterThanOrEqualTo(index);
        assertThat(latest.get("differing_members").toString()).isEqualTo("[3]");
        assertThat(latest.get("differing_tables").toString()).isEqualTo("[\"jobs\"]");
        assertThat(differ.get("last_agreed").get("check_index").asLong()).as("node %d", n.id)
            .isBetween(agreedIndex, index - 1);
      }
      await("node 3's health and gauge").atMost(Duration.ofSeconds(30)).until(() ->
          get(nodes.get(2).url("/actuator/health"), ADMIN).json().get("components").get("consistency")
              .get("status").asString().equals("DOWN"));
      assertThat(get(nodes.get(2).url("/actuator/prometheus"), ADMIN).body()).contains("mvmci_consistency_diverged 1.0");
      for (TestNode n : nodes.subList(0, 2)) {
        JsonNode health = get(n.url("/actuator/health"), ADMIN).json().get("components").get("consistency");
        assertThat(health.get("status").asString()).as("node %d", n.id).isEqualTo("UP");
        assertThat(health.get("details").get("differing_members").toString()).isEqualTo("[3]");
        assertThat(get(n.url("/actuator/prometheus"), ADMIN).body()).contains("mvmci_consistency_diverged 0.0");
      }

      // the command line: a check, its members' digests, and exit 1 naming the differing member
      Cli.Run cli = Cli.run(
          java.util.Map.of("MVMCI_URL", nodes.get(1).url(""), "MVMCI_SECRET_API", ClusterConfig.SECRET_API),
          "cluster", "check");
      assertThat(cli.status()).as(cli.out() + cli.err()).isEqualTo(1);
      assertThat(cli.out()).contains(": differ; differing members [3]; differing tables [\"jobs\"]")
          .containsPattern("(?m)^3 +[0-9a-f]{16} ");

      // an operator's endpoint: secret_api only, and a bad limit is a problem, not a 500
      assertThat(post(nodes.get(0).url(PATH), null, new byte[0]).status()).isEqualTo(401);
      Reply bad = get(nodes.get(0).url(PATH + "?limit=0"), ADMIN);
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.header("Content-Type")).startsWith("application/problem+json");
    } finally {
      nodes.forEach(TestNode::close);
    }
  }

  /**
   * The summary once its newest check is complete (every member reported) with {@code outcome}; it
   * carries no digest, neither of the checks' reports nor the majority's.
   */
  static JsonNode awaitSummary(TestNode n, String outcome) {
    JsonNode[] seen = new JsonNode[1];
    await("node " + n.id + "'s summary says " + outcome).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250)).until(() -> {
          Reply r = get(n.url(SUMMARY));
          assertThat(r.status()).as(r.body()).isEqualTo(200);
          seen[0] = r.json();
          JsonNode latest = seen[0].get("latest");
          return !latest.isNull() && latest.get("outcome").asString().equals(outcome)
              && latest.get("reported").asInt() == latest.get("members").asInt();
        });
    assertThat(seen[0].get("latest").propertyNames()).containsExactlyInAnyOrder("check_index", "requested_at",
        "requested_by", "outcome", "members", "reported", "differing_members", "differing_tables", "not_compared");
    if (!seen[0].get("last_agreed").isNull()) {
      assertThat(seen[0].get("last_agreed").propertyNames()).containsExactlyInAnyOrder("check_index", "requested_at");
    }
    assertThat(seen[0].toString()).doesNotContainPattern("[0-9a-f]{16}").doesNotContain("digest", "reports");
    return seen[0];
  }

  @Test
  void aLoneNodeMakesNoPeriodicCheckAndAgreesWithItselfWhenAsked() throws Exception {
    TestNode node = TestNode.cluster(dirs.create("mvmci-consistency-one"), 1, "\n[workers]\nembedded = 0\n").get(0);
    node.editConfig(toml -> toml.replace("election_timeout_max_ms = 1000\n",
        "election_timeout_max_ms = 1000\nconsistency_check_interval_ms = 1000\n"));
    try (node) {
      node.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> get(node.url("/actuator/health/readiness")).status() == 200);
      // three intervals: a leader of a group of two or more would have started a check
      await("no periodic check").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> get(node.url(PATH), ADMIN).json().get("checks").size() == 0);
      assertThat(get(node.url(SUMMARY)).json().toString()).isEqualTo("{\"latest\":null,\"last_agreed\":null}");
      Reply started = post(node.url(PATH), null, new byte[0], ADMIN);
      assertThat(started.status()).as(started.body()).isEqualTo(202);
      long index = started.json().get("check_index").asLong();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        JsonNode c = get(node.url(PATH), ADMIN).json().get("checks").get(0);
        return c.get("check_index").asLong() == index && c.get("outcome").asString().equals("agree");
      });
      JsonNode c = get(node.url(PATH), ADMIN).json().get("checks").get(0);
      assertThat(c.get("reports").size()).isEqualTo(1);
      assertThat(c.get("members").asInt()).isEqualTo(1);
      JsonNode summary = awaitSummary(node, "agree");
      assertThat(summary.get("latest").get("check_index").asLong()).isEqualTo(index);
      assertThat(summary.get("latest").get("requested_by").asString()).isEqualTo("api");
      assertThat(summary.get("latest").get("members").asInt()).isEqualTo(1);
      assertThat(summary.get("last_agreed").get("check_index").asLong()).isEqualTo(index);
      assertThat(get(node.url("/actuator/health"), ADMIN).json().get("components").get("consistency")
          .get("status").asString()).isEqualTo("UP");

      // 1,000 pending jobs (no workers here), so that a digest lasts long enough for the next check to
      // apply while it runs
      StringBuilder batch = new StringBuilder("{\"jobs\":[");
      for (int i = 0; i < 1000; i++) {
        batch.append(i == 0 ? "" : ",").append("{\"workflow\":\"noop\",\"input\":{}}");
      }
      Reply added = post(node.url("/api/v1/jobs/batch"), "application/json", batch.append("]}").toString());
      assertThat(added.status()).as(added.body()).isEqualTo(201);
      io.mvmci.replication.RaftNode raft = node.bean(io.mvmci.replication.RaftNode.class);
      long now = System.currentTimeMillis();

      // Two checks in one entry (both queued behind a wake-up in flight) are one check: named by the
      // entry's index, the second found the first's row there, and that stopped the node's apply.
      var inFlight = raft.submit(new io.mvmci.command.WakeJobs(now, 1));
      var first = raft.submit(new io.mvmci.command.CheckConsistency(now, "api"));
      var second = raft.submit(new io.mvmci.command.CheckConsistency(now + 1, "api"));
      java.util.concurrent.CompletableFuture.allOf(inFlight, first, second).get(30, java.util.concurrent.TimeUnit.SECONDS);
      await("the one-entry check reported").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> get(node.url(PATH), ADMIN).json().get("checks").get(0).get("reports").size() == 1);

      // Two checks in entries one after the other, the second applied while the first is digested, as
      // when an operator's lands on a periodic one: the second waits its turn instead of being skipped.
      raft.submit(new io.mvmci.command.CheckConsistency(now + 2, "api")).get(30, java.util.concurrent.TimeUnit.SECONDS);
      raft.submit(new io.mvmci.command.CheckConsistency(now + 3, "api")).get(30, java.util.concurrent.TimeUnit.SECONDS);
      await("every check reported").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
        JsonNode checks = get(node.url(PATH), ADMIN).json().get("checks");
        for (JsonNode each : checks) {
          if (each.get("reports").size() != 1) {
            return false;
          }
        }
        return checks.size() == 4;
      });
      JsonNode checks = get(node.url(PATH), ADMIN).json().get("checks");
      assertThat(java.time.Instant.parse(checks.get(2).get("requested_at").asString()))
          .as("the one-entry check keeps its first request's time").isEqualTo(java.time.Instant.ofEpochMilli(now));
      assertThat(checks.findValuesAsString("outcome")).containsOnly("agree");
      assertThat(get(node.url("/actuator/health/readiness")).status()).isEqualTo(200);
      assertThat(get(node.url("/actuator/prometheus"), ADMIN).body()).contains("mvmci_consistency_skipped_total 0.0");
    }
  }
}
