package io.mvmci.api;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.Http;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** The low findings of the independent test run (finding 9), over real HTTP on a real node. */
class SmallFindingsTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String JSON = "application/json";
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.cluster(dirs.create("mvmci-small"), 1, "\n[workers]\nembedded = 0\n").get(0).start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static Reply worker(String endpoint, String body) {
    return post(node.url("/api/v1/workers/" + endpoint), JSON, body.getBytes(StandardCharsets.UTF_8),
        "Authorization", "Bearer " + ClusterConfig.SECRET_API);
  }

  @Test
  void thePriorityBoundHoldsAtTheIntegerMinimum() {
    Reply r = post(node.url("/api/v1/jobs"), JSON, "{\"url\":\"https://e.com\",\"priority\":-2147483648}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("field").asString()).isEqualTo("priority");
  }

  @Test
  void aJsonBodyThatNamesAFieldTwiceIsRefusedAsTheFormParserRefusesIt() {
    for (String path : new String[] {"/api/v1/jobs", "/new-job"}) {
      Reply r = post(node.url(path), JSON, "{\"url\":\"https://a.com\",\"url\":\"https://b.com\"}");
      assertThat(r.status()).as(path).isEqualTo(400);
      assertThat(r.json().get("detail").asString()).contains("Duplicate").contains("url");
    }
    Reply batch = post(node.url("/api/v1/jobs/batch"), JSON,
        "{\"jobs\":[{\"url\":\"https://a.com\",\"priority\":1,\"priority\":2}]}");
    assertThat(batch.status()).isEqualTo(400);
    Reply nested = post(node.url("/api/v1/jobs"), JSON, "{\"url\":\"https://a.com\",\"input\":{\"k\":1,\"k\":2}}");
    assertThat(nested.status()).isEqualTo(400);
  }

  @Test
  void anIdempotencyKeyReusedWithAnotherRequestIsA422() {
    String body = "{\"url\":\"https://example.com/idem\",\"priority\":3}";
    Reply first = post(node.url("/api/v1/jobs"), JSON, body.getBytes(), "Idempotency-Key", "idem-1");
    Reply same = post(node.url("/api/v1/jobs"), JSON, body.getBytes(), "Idempotency-Key", "idem-1");
    assertThat(first.status()).isEqualTo(201);
    assertThat(same.status()).isEqualTo(200);
    assertThat(same.json().get("job_id").asString()).isEqualTo(first.json().get("job_id").asString());

    Reply other = post(node.url("/api/v1/jobs"), JSON, "{\"url\":\"https://example.com/other\",\"priority\":4}"
        .getBytes(), "Idempotency-Key", "idem-1");
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.header("Content-Type")).startsWith("application/problem+json");
    assertThat(other.json().get("field").asString()).isEqualTo("Idempotency-Key");
    assertThat(other.json().get("detail").asString()).contains("was used for " + first.json().get("job_id").asString())
        .contains("differs in input, url, priority");

    Reply form = post(node.url("/new-job"), "application/x-www-form-urlencoded",
        "url=https://example.com/elsewhere".getBytes(), "Idempotency-Key", "idem-1");
    assertThat(form.status()).isEqualTo(422);

    Reply batch = post(node.url("/api/v1/jobs/batch"), JSON, ("{\"jobs\":[{\"url\":\"https://example.com/b\"},"
        + "{\"url\":\"https://example.com/c\",\"idempotency_key\":\"idem-1\"}]}").getBytes());
    assertThat(batch.status()).isEqualTo(422);
    assertThat(batch.json().get("field").asString()).isEqualTo("jobs[1]");
  }

  @Test
  void aLiveTicketHasNoRevocationTime() {
    Reply issued = post(node.url("/api/v1/tickets"), JSON, "{\"label\":\"t\"}".getBytes(),
        "Authorization", "Bearer " + ClusterConfig.SECRET_API);
    String id = issued.json().get("id").asString();
    JsonNode live = ticket(id);
    assertThat(live.get("revoked_at").isNull()).as("%s", live).isTrue();
    assertThat(Http.delete(node.url("/api/v1/tickets/" + id), ClusterConfig.SECRET_API).status()).isEqualTo(204);
    assertThat(ticket(id).get("revoked_at").asString()).endsWith("Z").doesNotStartWith("1970");
  }

  static JsonNode ticket(String id) {
    for (JsonNode t : get(node.url("/api/v1/tickets"), "Authorization", "Bearer " + ClusterConfig.SECRET_API).json()) {
      if (t.get("id").asString().equals(id)) {
        return t;
      }
    }
    throw new AssertionError("no ticket " + id);
  }

  @Test
  void aJobHandedBackShowsNeitherTheOldWorkerNorItsProgress() {
    String id = post(node.url("/api/v1/jobs"), JSON, "{\"url\":\"https://example.com/handed-back\"}")
        .json().get("job_id").asString();
    JsonNode claimed = null;
    for (int i = 0; i < 50 && claimed == null; i++) {
      for (JsonNode j : worker("claim", "{\"worker_id\":\"w1\",\"max\":16,\"wait_ms\":500}").json().get("jobs")) {
        if (j.get("job_id").asString().equals(id)) {
          claimed = j;
        } else {
          worker("release", "{\"worker_id\":\"w1\",\"seq\":" + j.get("seq") + ",\"attempt\":" + j.get("attempt")
              + ",\"reason\":\"not this one\"}");
        }
      }
    }
    assertThat(claimed).isNotNull();
    String ref = "\"seq\":" + claimed.get("seq") + ",\"attempt\":" + claimed.get("attempt");
    worker("progress", "{\"worker_id\":\"w1\",\"items\":[{" + ref + ",\"percent\":40,\"message\":\"halfway\"}]}");
    JsonNode running = get(node.url("/api/v1/jobs/" + id)).json();
    assertThat(running.get("worker_id").asString()).isEqualTo("w1");
    assertThat(running.get("progress").asInt()).isEqualTo(40);
    assertThat(running.has("lease_until")).isTrue();

    assertThat(worker("release", "{\"worker_id\":\"w1\"," + ref + ",\"reason\":\"stopping\"}").json()
        .get("accepted").asBoolean()).isTrue();
    JsonNode back = get(node.url("/api/v1/jobs/" + id)).json();
    assertThat(back.get("status").asString()).isEqualTo("Pending");
    assertThat(back.has("worker_id")).as("%s", back).isFalse();
    assertThat(back.has("progress")).isFalse();
    assertThat(back.has("progress_message")).isFalse();
    assertThat(back.has("lease_until")).isFalse();
  }
}
