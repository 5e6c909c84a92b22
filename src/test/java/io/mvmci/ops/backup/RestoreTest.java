package io.mvmci.ops.backup;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A real backup and restore: a node with jobs is backed up over HTTP by {@code mvm-ci backup}; the
 * file is restored by {@code mvm-ci restore} into every member of a fresh three-node cluster whose
 * configuration has since rotated to a new key; the new cluster shows the same jobs on every node
 * and gives new submissions the next ids. Refusals: a data directory with state, an unknown key,
 * a tampered file.
 */
class RestoreTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String OLD_KEY = Base64.getEncoder().encodeToString("old-key-0123456789abcdef01234567".getBytes());
  static final String NEW_KEY = Base64.getEncoder().encodeToString("new-key-0123456789abcdef01234567".getBytes());
  static Path dir;
  static CountingServer web;
  static TestNode source;
  static List<String> jobs = new ArrayList<>();
  static Path backup;

  @BeforeAll
  static void backUpANodeWithJobs() throws Exception {
    dir = dirs.create("mvmci-restore");
    web = new CountingServer();
    Files.createDirectories(dir.resolve("source"));
    source = TestNode.cluster(dir.resolve("source"), 1, "\n[workers]\nembedded = 1\n").get(0)
        .withNodeKeys("enc_keys = [\"old/" + OLD_KEY + "\"]\nenc_key_active = \"old\"").start();
    await().atMost(Duration.ofSeconds(60)).until(() -> get(source.url("/actuator/health/readiness")).status() == 200);
    for (int i = 0; i < 3; i++) {
      Reply r = post(source.url("/new-job"), "application/x-www-form-urlencoded", "url=" + web.url("/r/" + i));
      assertThat(r.status()).isEqualTo(201);
      jobs.add(r.json().get("job_id").asString());
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> jobs.stream().allMatch(id -> "Completed".equals(status(source, id))));
    backup = dir.resolve("nightly.backup");
    Cli backedUp = cli("backup", "--config", source.config.toString(), "--out", backup.toString());
    assertThat(backedUp.status()).as(backedUp.err()).isZero();
    assertThat(backedUp.out()).contains("wrote " + backup);
  }

  @AfterAll
  static void stop() {
    source.close();
    web.close();
  }

  record Cli(int status, String out, String err) {}

  static Cli cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = BackupCli.run(args[0], List.of(args).subList(1, args.length), Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String status(TestNode n, String id) {
    Reply r = get(n.url("/api/v1/jobs/" + id));
    return r.status() == 200 ? r.json().get("status").asString() : "HTTP " + r.status();
  }

  @Test
  void everyMemberOfAFreshClusterRestoredFromTheSameFileServesTheSameJobsAndContinuesTheIds() throws Exception {
    Files.createDirectories(dir.resolve("fresh"));
    List<TestNode> fresh = TestNode.cluster(dir.resolve("fresh"), 3, "\n[workers]\nembedded = 1\n");
    try {
      for (TestNode n : fresh) {
        n.withNodeKeys("enc_keys = [\"new/" + NEW_KEY + "\", \"old/" + OLD_KEY + "\"]\nenc_key_active = \"new\"");
        Cli restored = cli("restore", "--config", n.config.toString(), "--backup", backup.toString());
        assertThat(restored.status()).as(restored.err()).isZero();
        assertThat(restored.out()).contains("3 jobs").contains("job-3").contains("key 'old'");
      }
      TestNode.startAll(fresh);
      for (TestNode n : fresh) {
        await().atMost(Duration.ofSeconds(120)).until(() -> get(n.url("/actuator/health/readiness")).status() == 200);
        for (String id : jobs) {
          assertThat(status(n, id)).as("%s on node %d", id, n.id).isEqualTo("Completed");
          JsonNode job = get(n.url("/api/v1/jobs/" + id)).json();
          assertThat(job.get("output").get("title").asString()).startsWith("/r/");
        }
        JsonNode stats = get(n.url("/queue/stats")).json();
        assertThat(stats.get("Completed").asLong()).isEqualTo(3);
      }
      Reply next = post(fresh.get(2).url("/new-job"), "application/x-www-form-urlencoded",
          "url=" + web.url("/after-restore"));
      assertThat(next.status()).isEqualTo(201);
      assertThat(next.json().get("job_id").asString()).isEqualTo("job-3");
      await().atMost(Duration.ofSeconds(60))
          .until(() -> fresh.stream().allMatch(n -> "Completed".equals(status(n, "job-3"))));
      assertThat(web.hits("/after-restore")).isEqualTo(1);
    } finally {
      fresh.forEach(TestNode::close);
    }
  }

  /**
   * The independent test run's finding 9: a restored backup ran its in-flight jobs again at once, with
   * no way to start paused. Restored with --paused, a node runs nothing until its claims resume.
   */
  @Test
  void aNodeRestoredPausedRunsNothingUntilItsClaimsResume() throws Exception {
    Files.createDirectories(dir.resolve("paused"));
    TestNode n = TestNode.cluster(dir.resolve("paused"), 1, "\n[workers]\nembedded = 1\n").get(0)
        .withNodeKeys("enc_keys = [\"old/" + OLD_KEY + "\"]\nenc_key_active = \"old\"");
    Cli restored = cli("restore", "--config", n.config.toString(), "--backup", backup.toString(), "--paused");
    assertThat(restored.status()).as(restored.err()).isZero();
    assertThat(restored.out()).contains("claims are paused");
    String secret = "Bearer " + io.mvmci.testing.ClusterConfig.SECRET_API;
    try (TestNode node = n.start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> get(node.url("/actuator/health/readiness")).status() == 200);
      Reply submitted = post(node.url("/new-job"), "application/x-www-form-urlencoded", "url=" + web.url("/paused"));
      String id = submitted.json().get("job_id").asString();
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> "Pending".equals(status(node, id)));
      assertThat(get(node.url("/api/v1/admin/claims"), "Authorization", secret).json().get("paused").asBoolean()).isTrue();
      Reply remote = post(node.url("/api/v1/workers/claim"), "application/json",
          "{\"worker_id\":\"w\",\"max\":4}".getBytes(), "Authorization", secret);
      assertThat(remote.json().get("jobs")).as("a remote worker gets nothing either").isEmpty();

      Reply resumed = post(node.url("/api/v1/admin/claims/resume"), "application/json", new byte[0],
          "Authorization", secret);
      assertThat(resumed.json().get("paused").asBoolean()).isFalse();
      await().atMost(Duration.ofSeconds(60)).until(() -> "Completed".equals(status(node, id)));
      assertThat(web.hits("/paused")).isEqualTo(1);
      assertThat(node.dataDir().resolve("claims-paused")).doesNotExist();
    }
  }

  @Test
  void aDataDirectoryWithRaftStateIsRefused() {
    Cli refused = cli("restore", "--config", source.config.toString(), "--backup", backup.toString());
    assertThat(refused.status()).isEqualTo(73);
    assertThat(refused.err()).contains("refusing to restore").contains("Raft state");
  }

  @Test
  void aBackupUnderAKeyNoLongerListedIsRefusedNamingIt() throws Exception {
    Files.createDirectories(dir.resolve("nokey"));
    TestNode n = TestNode.cluster(dir.resolve("nokey"), 1, "").get(0)
        .withNodeKeys("enc_keys = [\"new/" + NEW_KEY + "\"]\nenc_key_active = \"new\"");
    Cli refused = cli("restore", "--config", n.config.toString(), "--backup", backup.toString());
    assertThat(refused.status()).isEqualTo(65);
    assertThat(refused.err()).contains("key 'old'").contains("not in node.enc_keys");
    assertThat(n.dataDir().resolve("db").resolve("queue.sqlite")).doesNotExist();
  }

  @Test
  void aTamperedBackupIsRefusedAndLeavesNothingBehind() throws Exception {
    byte[] bytes = Files.readAllBytes(backup);
    for (int at : new int[] {9, 60, bytes.length / 2, bytes.length - 1}) {
      byte[] bad = bytes.clone();
      bad[at] ^= 0x40;
      Path file = dir.resolve("tampered-" + at + ".backup");
      Files.write(file, bad);
      Files.createDirectories(dir.resolve("tampered-" + at));
      TestNode n = TestNode.cluster(dir.resolve("tampered-" + at), 1, "").get(0)
          .withNodeKeys("enc_keys = [\"old/" + OLD_KEY + "\"]\nenc_key_active = \"old\"");
      Cli refused = cli("restore", "--config", n.config.toString(), "--backup", file.toString());
      assertThat(refused.status()).as("byte %d: %s", at, refused.err()).isEqualTo(65);
      assertThat(refused.err()).as("byte %d", at).containsAnyOf("damaged", "changed", "not in node.enc_keys");
      assertThat(n.dataDir().resolve("db").resolve("queue.sqlite")).as("byte %d", at).doesNotExist();
    }
  }
}
