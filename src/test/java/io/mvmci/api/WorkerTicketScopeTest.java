package io.mvmci.api;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A worker that comes with a ticket speaks only for its ticket: another ticket's holder that names
 * the same worker_id (and knows the job and attempt) can neither complete, fail nor renew its jobs.
 * One real node, no embedded workers, the worker protocol over real HTTP.
 */
class WorkerTicketScopeTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String SECRET = "test-api-secret-0123456789";
  static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    dir = dirs.create("mvmci-ticket-scope");
    node = TestNode.cluster(dir, 1, "\n[workers]\nembedded = 0\n").get(0).start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static JsonNode ticket(String label) {
    Reply r = post(node.url("/api/v1/tickets"), "application/json", ("{\"label\":\"" + label + "\"}").getBytes(),
        "Authorization", "Bearer " + SECRET);
    assertThat(r.status()).isEqualTo(201);
    return r.json();
  }

  /** The token inside a ticket string, as a worker would send it. */
  static String token(JsonNode ticket) {
    return io.mvmci.worker.WorkerTicket.decode(ticket.get("ticket").asString()).token();
  }

  static Reply worker(String endpoint, String token, String body) {
    return post(node.url("/api/v1/workers/" + endpoint), "application/json", body.getBytes(),
        "Authorization", "Bearer " + token);
  }

  /**
   * Claims as a real worker does: the long poll answers empty when work appears without claiming it
   * (and the bundled modules are seeded in the background after start), so ask again until a job comes.
   */
  static JsonNode claimOne(TestNode on, String token, String body) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Reply claimed = post(on.url("/api/v1/workers/claim"), "application/json", body.getBytes(),
          "Authorization", "Bearer " + token);
      assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
      assertThat(claimed.json().path("lease_ms").asLong()).as("the lease the node gives its claims").isPositive();
      JsonNode jobs = claimed.json().get("jobs");
      if (!jobs.isEmpty()) {
        assertThat(jobs).hasSize(1);
        return jobs.get(0);
      }
    }
    throw new AssertionError("no job claimed within 30 s: " + body);
  }

  @Test
  void anotherTicketNamingTheSameWorkerIdCannotTouchTheJob() {
    JsonNode a = ticket("a");
    JsonNode b = ticket("b");
    Reply submitted = post(node.url("/api/v1/jobs"), "application/json", "{\"workflow\":\"noop\"}");
    assertThat(submitted.status()).isEqualTo(201);
    String jobId = submitted.json().get("job_id").asString();

    JsonNode job = claimOne(node, token(a), "{\"worker_id\":\"runner-1\",\"max\":1,\"wait_ms\":2000}");
    assertThat(job.get("job_id").asString()).isEqualTo(jobId);
    String ref = "\"seq\":" + job.get("seq").asLong() + ",\"attempt\":" + job.get("attempt").asInt();

    JsonNode view = get(node.url("/api/v1/jobs/" + jobId)).json();
    assertThat(view.get("worker_id").asString()).isEqualTo(a.get("id").asString() + ":runner-1");

    String posing = "{\"worker_id\":\"runner-1\"," + ref;
    assertThat(worker("fail", token(b), posing + ",\"error\":\"sabotage\"}").json().get("accepted").asBoolean())
        .as("another ticket failing the job").isFalse();
    assertThat(worker("complete", token(b), posing + ",\"output\":\"forged\"}").json().get("accepted").asBoolean())
        .as("another ticket completing the job").isFalse();
    JsonNode beat = worker("heartbeat", token(b), "{\"worker_id\":\"runner-1\",\"capacity\":1,\"running\":[{"
        + ref + "}]}").json();
    assertThat(beat.get("stale")).as("another ticket's heartbeat finds the claim not its own").hasSize(1);
    assertThat(get(node.url("/api/v1/jobs/" + jobId)).json().get("status").asString()).isEqualTo("InProgress");

    assertThat(worker("complete", token(a), "{\"worker_id\":\"runner-1\"," + ref + ",\"output\":\"ok\"}")
        .json().get("accepted").asBoolean()).as("the claim's own ticket").isTrue();
    JsonNode done = get(node.url("/api/v1/jobs/" + jobId)).json();
    assertThat(done.get("status").asString()).isEqualTo("Completed");
    assertThat(done.get("output").asString()).isEqualTo("ok");
  }

  @Test
  void aWorkerIdCannotPoseAsATicketsWorker() {
    Reply r = worker("heartbeat", SECRET, "{\"worker_id\":\"tk-000000000000:runner-1\",\"capacity\":1,\"running\":[]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("worker_id");
  }
}
