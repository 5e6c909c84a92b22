package io.mvmci.worker.node;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.replication.RaftNode;
import io.mvmci.testing.TestNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's retention sweep through the replicated log on a real node: finished jobs older than
 * the retention disappear from every read (and the counters), unfinished ones stay.
 */
class RetentionTest {
  @TempDir Path dir;

  @Test
  void theLeaderDeletesFinishedJobsOlderThanTheRetention() throws Exception {
    try (TestNode node = TestNode.cluster(dir, 1, "\n[workers]\nembedded = 0\n").get(0).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> get(node.url("/actuator/health/readiness")).status() == 200);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ids.add(post(node.url("/new-job"), "application/x-www-form-urlencoded", "url=http://127.0.0.1:1/" + i)
            .json().get("job_id").asString());
      }
      for (String id : ids.subList(0, 2)) {
        assertThat(post(node.url("/api/v1/jobs/" + id + "/cancel"), "application/json", "{}").status()).isEqualTo(200);
      }
      // the node's own reaper keeps jobs forever (retention_hours = 0); this one keeps them 10 ms, and
      // its clock runs a minute ahead, so both cancelled jobs finished longer ago than that
      Reaper reaper = new Reaper(node.bean(RaftNode.class), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)),
          100, 1, 10);
      try {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
          reaper.tick();
          assertThat(get(node.url("/api/v1/jobs/" + ids.get(0))).status()).isEqualTo(404);
        });
      } finally {
        reaper.close();
      }
      assertThat(get(node.url("/api/v1/jobs/" + ids.get(1))).status()).isEqualTo(404);
      assertThat(get(node.url("/api/v1/jobs/" + ids.get(2))).json().get("status").asString()).isEqualTo("Pending");
      assertThat(get(node.url("/queue/stats")).json().get("total").asInt()).isEqualTo(1);
      assertThat(get(node.url("/queue/stats")).json().get("Cancelled").asInt()).isEqualTo(0);
      assertThat(get(node.url("/queue/list")).json().size()).isEqualTo(1);
    }
  }
}
