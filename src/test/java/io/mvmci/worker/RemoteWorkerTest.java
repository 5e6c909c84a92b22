package io.mvmci.worker;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import io.mvmci.testing.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Remote workers as real processes against a real node whose own worker pool is off: tickets,
 * revocation, a worker killed in the middle of a job, and a paused worker whose token went stale.
 */
class RemoteWorkerTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String SECRET = "test-api-secret-0123456789";
  static Path dir;
  static TestNode node;
  static CountingServer web;

  @BeforeAll
  static void start() throws Exception {
    dir = dirs.create("mvmci-remote");
    web = new CountingServer();
    node = TestNode.cluster(dir, 1, "\n[workers]\nembedded = 0\n").get(0).start();
  }

  @AfterAll
  static void stop() {
    node.close();
    web.close();
  }

  static JsonNode job(String id) {
    return get(node.url("/api/v1/jobs/" + id)).json();
  }

  static String submit(String path) {
    Reply r = post(node.url("/api/v1/jobs"), "application/json",
        "{\"url\":\"" + web.url(path) + "\",\"max_attempts\":3}");
    assertThat(r.status()).isEqualTo(201);
    return r.json().get("job_id").asString();
  }

  static JsonNode issueTicket(String label) {
    Reply r = post(node.url("/api/v1/tickets"), "application/json",
        ("{\"label\":\"" + label + "\"}").getBytes(), "Authorization", "Bearer " + SECRET);
    assertThat(r.status()).isEqualTo(201);
    return r.json();
  }

  @Test
  void aTicketIsAllAWorkerNeedsAndRevokingItLocksTheWorkerOut() throws Exception {
    JsonNode ticket = issueTicket("ci-runner");
    try (WorkerProcess w = WorkerProcess.start(dir.resolve("w-ticket"), "--ticket",
        ticket.get("ticket").asString(), "--heartbeat-ms", "300")) {
      String id = submit("/page/ticket-1");
      await().atMost(Duration.ofSeconds(60)).until(() -> job(id).get("status").asString().equals("Completed"));
      assertThat(job(id).get("worker_id").asString()).as("a ticket's worker, named by its ticket")
          .startsWith(ticket.get("id").asString() + ":worker-");
      assertThat(web.hits("/page/ticket-1")).isEqualTo(1);
      assertThat(Files.readString(w.log)).as("the worker's lease check counts on the node's lease_ms (2 s here),"
          + " not its own default of 3 s").contains("the control plane's lease is 2000 ms, shorter than this"
          + " worker's 3000 ms (--lease-ms): its lease check counts on 2000 ms\n");

      Reply revoked = io.mvmci.testing.Http.delete(node.url("/api/v1/tickets/" + ticket.get("id").asString()), SECRET);
      assertThat(revoked.status()).isEqualTo(204);
      String after = submit("/page/ticket-2");
      await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
          .until(() -> job(after).get("status").asString().equals("Pending"));
      assertThat(web.hits("/page/ticket-2")).isZero();
      JsonNode list = get(node.url("/api/v1/tickets")).json();
      assertThat(list.isMissingNode() || list.has("status")).as("listing tickets needs secret_api").isTrue();
      cancel(after);
    }
  }

  @Test
  void aJobWhoseWorkerIsKilledIsRunByAnotherOnceItsLeaseRunsOut() throws Exception {
    String token = issueTicket("killed").get("ticket").asString();
    String id;
    long killedAt;
    try (WorkerProcess first = WorkerProcess.start(dir.resolve("w-killed"), "--ticket", token,
        "--heartbeat-ms", "300")) {
      id = submit("/slow/killed");
      await().atMost(Duration.ofSeconds(60)).until(() -> web.hits("/slow/killed") == 1);
      assertThat(job(id).get("status").asString()).isEqualTo("InProgress");
      first.kill();
      killedAt = System.nanoTime();
    }
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> !job(id).get("status").asString().equals("InProgress"));
    long requeueMs = (System.nanoTime() - killedAt) / 1_000_000;
    assertThat(requeueMs).as("lease (2 s here) + reaper interval (0.5 s), with slack").isLessThan(5_000);
    assertThat(job(id).get("reason").asString()).contains("stopped renewing its lease");

    web.release("/slow/killed");
    try (WorkerProcess second = WorkerProcess.start(dir.resolve("w-second"), "--ticket", token)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> job(id).get("status").asString().equals("Completed"));
    }
    JsonNode done = job(id);
    String history = get(node.url("/api/v1/jobs/" + id + "/events")).body();
    assertThat(done.get("attempt").asInt()).as(history).isEqualTo(2);
    assertThat(done.get("failures").asInt()).isEqualTo(1);
  }

  /**
   * A worker stopped (SIGSTOP) past its lease loses the job to another; when it wakes (SIGCONT) its
   * stale token is refused (at its next heartbeat or report, whichever comes first), and the job keeps
   * the outcome of the worker that owns it.
   */
  @Test
  void aPausedWorkerWakesToFindItsTokenStaleAndItsOutcomeRefused() throws Exception {
    String token = issueTicket("paused").get("ticket").asString();
    try (WorkerProcess paused = WorkerProcess.start(dir.resolve("w-paused"), "--ticket", token,
        "--heartbeat-ms", "300")) {
      String id = submit("/slow/paused");
      await().atMost(Duration.ofSeconds(60)).until(() -> web.hits("/slow/paused") == 1);
      paused.signal("STOP");
      await().atMost(Duration.ofSeconds(10)).until(() -> job(id).get("status").asString().equals("Pending"));

      try (WorkerProcess other = WorkerProcess.start(dir.resolve("w-other"), "--ticket", token)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> web.hits("/slow/paused") == 2);
        web.release("/slow/paused");
        await().atMost(Duration.ofSeconds(30)).until(() -> job(id).get("status").asString().equals("Completed"));
        JsonNode done = job(id);
        String owner = done.get("worker_id").asString();

        paused.signal("CONT");
        // its heartbeat learns first (the run is stopped), or the run's next append is refused
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          String log = Files.readString(paused.log);
          return log.contains("claim is stale") || log.contains("is not current");
        });
        JsonNode after = job(id);
        assertThat(after.get("worker_id").asString()).isEqualTo(owner);
        assertThat(after.get("attempt").asInt()).isEqualTo(2);
        assertThat(after.get("finished_at").asString()).isEqualTo(done.get("finished_at").asString());
        assertThat(get(node.url("/api/v1/jobs/" + id + "/events")).json().get("events"))
            .as("exactly one completion").filteredOn(e -> e.get("status").asString().equals("Completed"))
            .hasSize(1);
      }
    }
  }

  static void cancel(String id) {
    post(node.url("/api/v1/jobs/" + id + "/cancel"), null, "");
  }
}
