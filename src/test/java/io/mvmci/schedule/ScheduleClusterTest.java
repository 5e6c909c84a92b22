package io.mvmci.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.Http;
import io.mvmci.testing.NodeProcess;
import io.mvmci.testing.ProcessCluster;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Schedules on a real three-node cluster, nodes as processes (kill -9), with {@code [jobs]
 * schedule_grace_ms} at {@value #GRACE_MS} ms:
 *
 * <ol>
 *   <li>a per-second schedule across the kill of its leader: every fire time from the first to the last
 *       has exactly one job (keyed {@code schedule:<id>:<fire time>}), none twice, none lost, none
 *       recorded as missed (the failover takes far less than the grace);</li>
 *   <li>the whole cluster killed over a fire time and restarted after the grace: with {@code catch_up
 *       = last} that time fires once, as a {@code catch-up}; with {@code none} it is recorded as missed and
 *       no job is made. The cron is read in Europe/Paris: the fire time the API shows is the instant the
 *       test meant in that zone.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScheduleClusterTest {
  static final String JSON = "application/json";
  static final long GRACE_MS = 8_000;
  static ProcessCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = ProcessCluster.start("schedules", 1, "\n[jobs]\nschedule_grace_ms = " + GRACE_MS + "\n");
    cluster.awaitLeader(cluster.nodes, ProcessCluster.START_DEADLINE);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static JsonNode schedule(NodeProcess n, String id) {
    Http.Reply r = Http.get(n.url("/api/v1/schedules/" + id + "?fires=100"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  static long count(NodeProcess n, String id, String what) {
    return schedule(n, id).get("counts").get(what).asLong();
  }

  static List<String> outcomes(JsonNode s) {
    List<String> outcomes = new ArrayList<>();
    s.get("recent_fires").forEach(f -> outcomes.add(f.get("kind").asString() + " " + f.get("outcome").asString()));
    return outcomes;
  }

  /** Fire time (ms) to job id of the jobs keyed {@code schedule:<id>:<time>}; a second job for a time fails. */
  static TreeMap<Long, String> jobsByFireTime(NodeProcess n, String id) {
    TreeMap<Long, String> byFireTime = new TreeMap<>();
    List<String> doubled = new ArrayList<>();
    Http.Reply r = Http.get(n.url("/api/v1/jobs?limit=1000"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String prefix = "schedule:" + id + ":";
    r.json().get("jobs").forEach(j -> {
      String key = j.path("idempotency_key").asString("");
      if (key.startsWith(prefix)) {
        long t = Instant.parse(key.substring(prefix.length())).toEpochMilli();
        if (byFireTime.put(t, j.get("job_id").asString()) != null) {
          doubled.add(key);
        }
      }
    });
    assertThat(doubled).as("two jobs for one fire time").isEmpty();
    return byFireTime;
  }

  @Test
  @Order(1)
  void noFireTimeIsLostOrDoubledWhenTheLeaderIsKilled() throws Exception {
    NodeProcess first = cluster.awaitLeader(cluster.nodes, ProcessCluster.START_DEADLINE);
    NodeProcess follower = cluster.others(first).get(0);
    Http.Reply created = Http.post(follower.url("/api/v1/schedules"), JSON,
        "{\"id\":\"tick\",\"cron\":\"* * * * * *\",\"job\":{\"workflow\":\"noop\"},\"overlap\":\"allow\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(30)).until(() -> count(follower, "tick", "submitted") >= 3);

    assertThat(first.kill()).isEqualTo(137);
    NodeProcess second = cluster.awaitLeader(cluster.others(first), Duration.ofSeconds(30));
    assertThat(second).isNotSameAs(first);
    long atFailover = count(follower, "tick", "submitted");
    await().atMost(Duration.ofSeconds(60)).until(() -> count(follower, "tick", "submitted") >= atFailover + 4);
    assertThat(Http.post(follower.url("/api/v1/schedules/tick/pause"), JSON, "").status()).isEqualTo(200);
    JsonNode s = schedule(follower, "tick");

    TreeMap<Long, String> byFireTime = jobsByFireTime(follower, "tick");
    List<Instant> lost = new ArrayList<>();
    for (long t = byFireTime.firstKey(); t <= byFireTime.lastKey(); t += 1_000) {
      if (!byFireTime.containsKey(t)) {
        lost.add(Instant.ofEpochMilli(t));
      }
    }
    assertThat(lost).as("fire times without a job between the first and the last").isEmpty();
    assertThat(byFireTime.size()).isGreaterThanOrEqualTo(7).isEqualTo(s.get("counts").get("submitted").asInt());
    assertThat(s.get("counts").get("missed").asLong()).isZero();
    assertThat(outcomes(s)).as("each fire submitted its time's job").containsOnly("scheduled submitted")
        .hasSize(byFireTime.size());
    long latest = 0;
    for (JsonNode f : s.get("recent_fires")) {
      latest = Math.max(latest, f.get("lateness_ms").asLong());
    }
    System.out.println("schedule fires across the leader's kill: " + byFireTime.size() + ", the latest made "
        + latest + " ms after its time");

    first.start();
    cluster.awaitUp(first);
  }

  @Test
  @Order(2)
  void aFireTimeThatPassedWhileTheClusterWasDownFollowsTheCatchUpPolicy() throws Exception {
    NodeProcess n = cluster.awaitLeader(cluster.nodes, ProcessCluster.START_DEADLINE);
    ZoneId paris = ZoneId.of("Europe/Paris");
    ZonedDateTime at = ZonedDateTime.now(paris).plusSeconds(12).withNano(0);
    long fireTime = at.toInstant().toEpochMilli();
    // Once a year, at that second of Paris's wall clock.
    String cron = at.getSecond() + " " + at.getMinute() + " " + at.getHour() + " " + at.getDayOfMonth() + " "
        + at.getMonthValue() + " *";
    for (String policy : new String[] {"none", "last"}) {
      Http.Reply r = Http.post(n.url("/api/v1/schedules"), JSON, "{\"id\":\"once-" + policy + "\",\"cron\":\"" + cron
          + "\",\"time_zone\":\"Europe/Paris\",\"catch_up\":\"" + policy + "\",\"job\":{\"workflow\":\"noop\"}}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      assertThat(r.json().get("next_fire_at").asString()).isEqualTo(Instant.ofEpochMilli(fireTime).toString());
    }
    for (NodeProcess p : cluster.nodes) {
      assertThat(p.kill()).isEqualTo(137);
    }
    assertThat(System.currentTimeMillis()).as("the cluster went down before the fire time").isLessThan(fireTime);
    // Down past the fire time and its grace: no leader fired it in time.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> System.currentTimeMillis() > fireTime + GRACE_MS + 1_000);
    cluster.nodes.forEach(NodeProcess::start);
    cluster.nodes.forEach(cluster::awaitUp);
    NodeProcess after = cluster.awaitLeader(cluster.nodes, ProcessCluster.START_DEADLINE);

    await().atMost(Duration.ofSeconds(60)).until(() -> count(after, "once-last", "submitted") == 1
        && count(after, "once-none", "missed") == 1);
    String nextYear = at.plusYears(1).toInstant().toString();

    JsonNode last = schedule(after, "once-last");
    assertThat(outcomes(last)).containsExactly("catch-up submitted");
    JsonNode caught = last.get("recent_fires").get(0);
    assertThat(caught.get("fire_time").asString()).isEqualTo(Instant.ofEpochMilli(fireTime).toString());
    assertThat(caught.get("lateness_ms").asLong()).isGreaterThan(GRACE_MS);
    assertThat(last.get("next_fire_at").asString()).isEqualTo(nextYear);
    TreeMap<Long, String> lastJobs = jobsByFireTime(after, "once-last");
    assertThat(lastJobs).containsOnlyKeys(fireTime);
    assertThat(lastJobs.get(fireTime)).isEqualTo(caught.get("job_id").asString());
    await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(after.url("/api/v1/jobs/" + lastJobs.get(fireTime)))
        .json().get("status").asString(), "Completed"::equals);

    JsonNode none = schedule(after, "once-none");
    assertThat(outcomes(none)).containsExactly("missed missed");
    assertThat(none.get("recent_fires").get(0).get("fire_time").asString())
        .isEqualTo(Instant.ofEpochMilli(fireTime).toString());
    assertThat(none.get("counts").get("submitted").asLong()).isZero();
    assertThat(none.get("next_fire_at").asString()).isEqualTo(nextYear);
    assertThat(jobsByFireTime(after, "once-none")).isEmpty();
  }
}
