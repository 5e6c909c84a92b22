package io.mvmci.ops;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real fatal apply error: the queue database loses a table under the node, the next entry cannot
 * be applied, Ratis closes the server (fail-stop) while the process and its HTTP port stay up. Only
 * the division's lifecycle tells: liveness must fail so the node gets restarted.
 */
class FatalApplyTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    dir = dirs.create("mvmci-fatal");
    node = TestNode.cluster(dir, 1, "\n[workers]\nembedded = 0\n").get(0).start();
  }

  @AfterAll
  static void stop() {
    try {
      node.close();
    } catch (RuntimeException e) {
      // its Raft server is already closed
    }
  }

  @Test
  void aFatalApplyErrorClosesTheDivisionAndFailsLiveness() throws Exception {
    await().atMost(Duration.ofSeconds(60)).until(() -> get(node.url("/actuator/health/readiness")).status() == 200);
    assertThat(post(node.url("/new-job"), "application/x-www-form-urlencoded", "url=http://127.0.0.1:1/a").status())
        .isEqualTo(201);

    Path db = node.dataDir().resolve("db").resolve("queue.sqlite");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 10000");
      s.execute("DROP TABLE job_counts");
    }
    post(node.url("/new-job"), "application/x-www-form-urlencoded", "url=http://127.0.0.1:1/b");

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(get(node.url("/actuator/health/liveness")).status()).isEqualTo(503);
      assertThat(get(node.url("/actuator/health/readiness")).status()).isEqualTo(503);
    });
    assertThat(get(node.url("/actuator/health")).json().get("components").get("raftLifecycle").get("details")
        .get("lifecycle").asString()).isIn("CLOSED", "EXCEPTION", "CLOSING");
    assertThat(get(node.url("/queue/stats")).status()).as("the port is still up").isIn(200, 503);
  }
}
