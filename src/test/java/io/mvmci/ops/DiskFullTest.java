package io.mvmci.ops;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node whose data directory is a small tmpfs that fills up or turns read-only (the independent test
 * run's finding 5: writes waited 10 s and answered "no leader or no quorum" while health stayed UP,
 * and only a restart helped). The node must refuse writes at once with the reason, report it in
 * health, acknowledge no job it did not store, and go on by itself once the disk takes writes again
 * (or, where health says so, after a restart). Needs root to mount; skipped otherwise.
 */
class DiskFullTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String FORM = "application/x-www-form-urlencoded";
  Path mount;
  TestNode node;

  @BeforeEach
  void mountTmpfs() throws Exception {
    mount = dirs.create("mvmci-disk");
    int status = run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount.toString());
    Assumptions.assumeTrue(status == 0, "cannot mount a tmpfs here (not root?)");
  }

  @AfterEach
  void unmount() throws Exception {
    if (node != null) {
      node.close();
    }
    run("mount", "-o", "remount,rw", mount.toString());
    run("umount", "-l", mount.toString());
  }

  static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }

  TestNode start(int reserveMb) {
    node = TestNode.cluster(mount, 1, "\n[workers]\nembedded = 0\n").get(0)
        .editConfig(t -> t.replaceFirst("\\[raft\\]\n", "[raft]\nmin_free_disk_mb = " + reserveMb + "\n"));
    return node.start();
  }

  /** Fills the tmpfs until {@code leaveBytes} are left. */
  Path fill(long leaveBytes) throws IOException {
    Path filler = mount.resolve("filler");
    long usable = Files.getFileStore(mount).getUsableSpace();
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (long left = usable - leaveBytes; left > 0; left -= block.length) {
        out.write(block, 0, (int) Math.min(block.length, left));
      }
    } catch (IOException full) {
      // the file system is full: that is what is wanted
    }
    return filler;
  }

  Reply submit(String path) {
    return post(node.url("/new-job"), FORM, "url=https://example.com" + path);
  }

  Reply readiness() {
    return get(node.url("/actuator/health/readiness"));
  }

  @Test
  void shortOfSpaceTheNodeRefusesWritesAtOnceSaysWhyAndGoesOnWhenSpaceReturns() throws Exception {
    start(16);
    assertThat(submit("/before").status()).isEqualTo(201);
    Path filler = fill(8L << 20);

    await().atMost(Duration.ofSeconds(10)).until(() -> readiness().status() == 503);
    Reply health = get(node.url("/actuator/health"));
    assertThat(health.json().get("components").get("storage").get("status").asString()).isEqualTo("OUT_OF_SERVICE");
    assertThat(health.json().get("components").get("storage").get("details").get("reason").asString())
        .contains("below the reserve of 16 MiB ([raft] min_free_disk_mb)");
    long start = System.nanoTime();
    Reply refused = submit("/during");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused at once, not after a 10 s wait")
        .isLessThan(Duration.ofSeconds(2));
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.header("Retry-After")).isEqualTo("1");
    assertThat(refused.json().get("detail").asString()).contains("cannot store writes").contains("free space there");
    assertThat(get(node.url("/actuator/health/liveness")).status()).as("a restart would not help").isEqualTo(200);
    assertThat(get(node.url("/queue/stats")).status()).as("reads go on").isEqualTo(200);

    Files.delete(filler);
    await().atMost(Duration.ofSeconds(10)).until(() -> readiness().status() == 200);
    assertThat(submit("/after").status()).as("writes resume without a restart").isEqualTo(201);
    assertThat(get(node.url("/queue/stats")).json().get("total").asInt()).isEqualTo(2);
  }

  /**
   * A data directory that is read-only when the node starts: it does not start, and says why in one
   * line; made writable again, it starts. (A tmpfs cannot be turned read-only while a node holds files
   * open for writing: the kernel answers EBUSY. DiskGuardTest covers a file system that turns
   * read-only under a running node.)
   */
  @Test
  void aReadOnlyDataDirectoryStopsTheStartWithOneLineAndAWritableOneStarts() throws Exception {
    start(1);
    assertThat(submit("/before").status()).isEqualTo(201);
    node.stop();
    assertThat(run("mount", "-o", "remount,ro", mount.toString())).isZero();

    assertThatThrownBy(node::start).satisfies(e -> {
      assertThat(e.getMessage()).isEqualTo("cannot write the data directory " + node.dataDir()
          + ": Read-only file system");
      assertThat(e.getClass().getSimpleName()).isEqualTo("StartupFailure");
    });

    assertThat(run("mount", "-o", "remount,rw", mount.toString())).isZero();
    node.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> readiness().status() == 200);
    assertThat(submit("/after").status()).isEqualTo(201);
    assertThat(get(node.url("/queue/stats")).json().get("total").asInt()).isEqualTo(2);
  }

  /**
   * With no reserve the disk really fills: the node must fail loudly, never acknowledge a job it did
   * not store, and once space returns go on by itself, or, if its Raft log failed, after the restart
   * its liveness asks for.
   */
  @Test
  void aDiskThatReallyFillsLosesNoAcknowledgedJobAndRecovers() throws Exception {
    start(0);
    assertThat(submit("/first").status()).isEqualTo(201);
    String input = "x".repeat(16 * 1024);
    Path filler = fill(1L << 20);
    List<String> acknowledged = new ArrayList<>();
    Reply last = null;
    for (int i = 0; i < 400; i++) {
      last = post(node.url("/api/v1/jobs"), "application/json",
          "{\"url\":\"https://example.com/" + i + "\",\"input\":{\"pad\":\"" + input + "\"}}");
      if (last.status() != 201) {
        break;
      }
      acknowledged.add(last.json().get("job_id").asString());
    }
    assertThat(last.status()).as("the disk filled up: %s", last.body()).isEqualTo(503);
    assertThat(last.json().get("detail").asString()).contains("cannot store writes");
    System.out.println("full disk: " + acknowledged.size() + " jobs acknowledged, then: " + last.body());
    assertThat(readiness().status()).isEqualTo(503);
    Reply refused = submit("/while-full");
    assertThat(refused.status()).isEqualTo(503);

    Files.delete(filler);
    if (get(node.url("/actuator/health/liveness")).status() != 200) {
      node.stop();
      node.start();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> readiness().status() == 200);
    for (String id : acknowledged) {
      assertThat(get(node.url("/api/v1/jobs/" + id)).status()).as(id).isEqualTo(200);
    }
    assertThat(submit("/after").status()).isEqualTo(201);
  }

}
