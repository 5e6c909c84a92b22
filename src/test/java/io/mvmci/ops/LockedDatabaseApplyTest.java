package io.mvmci.ops;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lock on the queue database held elsewhere for longer than SQLite's busy timeout (5 s) is
 * transient, not fatal: the node applies the entry again once the lock is gone, instead of stopping
 * itself as it does for a real apply error ({@link FatalApplyTest}). Seen under heavy load: a
 * follower stopped on {@code SQLITE_BUSY} in the middle of a benchmark.
 */
class LockedDatabaseApplyTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String FORM = "application/x-www-form-urlencoded";

  @Test
  void anEntryThatMeetsALockedDatabaseIsAppliedOnceTheLockIsGone() throws Exception {
    Path dir = dirs.create("mvmci-locked");
    try (TestNode node = TestNode.cluster(dir, 1, "\n[workers]\nembedded = 0\n").get(0).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> get(node.url("/actuator/health/readiness")).status() == 200);
      assertThat(post(node.url("/new-job"), FORM, "url=http://127.0.0.1:1/before").status()).isEqualTo(201);

      Path db = node.dataDir().resolve("db").resolve("queue.sqlite");
      CompletableFuture<Reply> during;
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
        s.execute("BEGIN IMMEDIATE"); // the write lock, held past the node's busy timeout
        during = CompletableFuture.supplyAsync(() -> post(node.url("/new-job"), FORM, "url=http://127.0.0.1:1/during"));
        Thread.sleep(7_000);
        assertThat(get(node.url("/actuator/health/liveness")).status()).as("still live while locked").isEqualTo(200);
        s.execute("ROLLBACK");
      }

      Reply r = during.get();
      assertThat(r.status()).as(r.body()).isIn(201, 503); // 503 only if it outwaited the write timeout
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(get(node.url("/queue/list")).body()).contains("/during"));
      assertThat(post(node.url("/new-job"), FORM, "url=http://127.0.0.1:1/after").status()).isEqualTo(201);
      assertThat(get(node.url("/actuator/health/liveness")).status()).isEqualTo(200);
      assertThat(get(node.url("/queue/stats")).json().get("total").asInt()).isEqualTo(3);
    }
  }
}
