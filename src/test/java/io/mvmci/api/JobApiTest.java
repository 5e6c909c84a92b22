package io.mvmci.api;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** The HTTP API of one real node: SPEC §1 verbatim, /api/v1, and every kind of bad input. */
class JobApiTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String FORM = "application/x-www-form-urlencoded";
  static final String JSON = "application/json";
  static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    dir = dirs.create("mvmci-api");
    node = TestNode.cluster(dir, 1, "\n[workers]\nembedded = 0\n").get(0).start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static long total() {
    return get(node.url("/queue/stats")).json().get("total").asLong();
  }

  @Test
  void specSectionOneFormJsonListAndStats() {
    long before = total();
    Reply a = post(node.url("/new-job"), FORM, "url=https://example.com");
    Reply b = post(node.url("/new-job"), null, "url=https%3A%2F%2Fexample.com%2F%3Fq%3D1");
    Reply c = post(node.url("/new-job"), JSON, "{\"url\": \"https://example.com/json\"}");

    assertThat(List.of(a.status(), b.status(), c.status())).containsOnly(201);
    JsonNode job = a.json();
    assertThat(job.get("job_id").asString()).matches("job-\\d+");
    assertThat(job.get("status").asString()).isEqualTo("Pending");
    assertThat(job.get("url").asString()).isEqualTo("https://example.com");
    assertThat(job.get("created_at").asString()).endsWith("Z");
    assertThat(a.header("Location")).isEqualTo("/api/v1/jobs/" + job.get("job_id").asString());
    assertThat(b.json().get("url").asString()).isEqualTo("https://example.com/?q=1");

    Reply list = get(node.url("/queue/list"));
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.header("Mvmci-Consistency")).isEqualTo("linearizable");
    List<String> ids = new ArrayList<>();
    list.json().forEach(j -> ids.add(j.get("job_id").asString()));
    assertThat(ids).contains(job.get("job_id").asString(), c.json().get("job_id").asString());
    assertThat(ids).isSortedAccordingTo((x, y) -> Long.compare(
        Long.parseLong(x.substring(4)), Long.parseLong(y.substring(4))));

    JsonNode stats = get(node.url("/queue/stats")).json();
    assertThat(stats.get("total").asLong()).isEqualTo(before + 3);
    assertThat(stats.get("Pending").asLong()).isGreaterThanOrEqualTo(3);
    assertThat(stats.has("InProgress") && stats.has("Completed") && stats.has("Failed")).isTrue();
  }

  @Test
  void badInputIsAProblemAndWritesNothing() {
    long before = total();
    record Case(String contentType, byte[] body, int status, String detail) {}
    byte[] big = ("url=https://example.com/" + "a".repeat(70_000)).getBytes();
    List<Case> cases = List.of(
        new Case(FORM, "".getBytes(), 400, "url is required"),
        new Case(FORM, "url=".getBytes(), 400, "url is required"),
        new Case(FORM, "url=ftp://example.com".getBytes(), 400, "http or https"),
        new Case(FORM, "url=example.com".getBytes(), 400, "http or https"),
        new Case(FORM, "url=https://".getBytes(), 400, "url"),
        new Case(FORM, "url=https://exa mple.com".getBytes(), 400, "malformed"),
        new Case(FORM, "url=%ZZ".getBytes(), 400, "percent-escape"),
        new Case(FORM, "url=%C3%28".getBytes(), 400, "UTF-8"),
        new Case(FORM, "url=a&url=b".getBytes(), 400, "more than once"),
        new Case(FORM, "uri=https://example.com".getBytes(), 400, "unknown form field"),
        new Case(FORM, "url=https://example.com&priority=high".getBytes(), 400, "priority"),
        new Case(FORM, new byte[] {'u', 'r', 'l', '=', (byte) 0xff}, 400, "UTF-8"),
        new Case(FORM, big, 413, "exceeds"),
        new Case(JSON, "{\"url\": 5}".getBytes(), 400, "\"url\" must be a string"),
        new Case(JSON, "{\"url\": \"https://e.com\", \"priority\": \"1\"}".getBytes(), 400, "integer"),
        new Case(JSON, "{\"url\": \"https://e.com\", \"max_attempts\": 0}".getBytes(), 400, "max_attempts"),
        new Case(JSON, "{\"url\": \"https://e.com\", \"priorty\": 1}".getBytes(), 400, "unknown field"),
        new Case(JSON, "{\"url\": ".getBytes(), 400, "not valid JSON"),
        new Case(JSON, "[1, 2]".getBytes(), 400, "JSON object"),
        new Case(JSON, "{\"url\":\"https://e.com\",\"input\":[1]}".getBytes(), 400, "input"),
        new Case(JSON, "{\"url\":\"https://e.com\",\"run_at\":\"tomorrow\"}".getBytes(), 400, "ISO-8601"),
        new Case(JSON, "{\"url\":\"https://e.com\",\"workflow\":\"Bad Name\"}".getBytes(), 400, "workflow"),
        new Case("text/plain", "url=https://e.com".getBytes(), 415, ""));
    for (Case c : cases) {
      Reply r = post(node.url("/new-job"), c.contentType(), c.body());
      assertThat(r.status()).as(new String(c.body(), 0, Math.min(60, c.body().length))).isEqualTo(c.status());
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      JsonNode p = r.json();
      assertThat(p.get("status").asInt()).isEqualTo(c.status());
      assertThat(p.get("type").asString()).isNotBlank();
      assertThat(p.get("detail").asString()).contains(c.detail());
    }
    assertThat(total()).isEqualTo(before);
  }

  @Test
  void apiV1SubmitGetEventsAndIdempotency() {
    String body = "{\"workflow\":\"crawler\",\"input\":{\"url\":\"https://example.com/v1\"},"
        + "\"url\":\"https://example.com/v1\",\"priority\":7,\"delay_ms\":60000,\"max_attempts\":5}";
    Reply first = post(node.url("/api/v1/jobs"), JSON, body.getBytes(), "Idempotency-Key", "order-42");
    Reply again = post(node.url("/api/v1/jobs"), JSON, body.getBytes(), "Idempotency-Key", "order-42");

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    String id = first.json().get("job_id").asString();
    assertThat(again.json().get("job_id").asString()).isEqualTo(id);
    assertThat(first.json().get("priority").asInt()).isEqualTo(7);
    assertThat(first.json().get("reason").asString()).startsWith("submitted; waits until");

    Reply got = get(node.url("/api/v1/jobs/" + id));
    assertThat(got.json().get("input").get("url").asString()).isEqualTo("https://example.com/v1");
    assertThat(got.json().get("max_attempts").asInt()).isEqualTo(5);
    Reply events = get(node.url("/api/v1/jobs/" + id + "/events"));
    assertThat(events.json().get("events").get(0).get("status").asString()).isEqualTo("Pending");

    assertThat(get(node.url("/api/v1/jobs/job-999999")).status()).isEqualTo(404);
    assertThat(get(node.url("/api/v1/jobs/nonsense")).status()).isEqualTo(404);
    assertThat(post(node.url("/api/v1/jobs"), FORM, "url=https://e.com").status()).isEqualTo(415);
  }

  @Test
  void aBatchIsAllOrNothingAndKeepsItsOrder() {
    long before = total();
    Reply bad = post(node.url("/api/v1/jobs/batch"), JSON, "{\"jobs\": [{\"url\": \"https://example.com/b0\"},"
        + " {\"url\": \"ftp://nope\"}, {\"url\": \"https://example.com/b2\"}]}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("field").asString()).isEqualTo("jobs[1].url");
    assertThat(total()).isEqualTo(before);

    Reply ok = post(node.url("/api/v1/jobs/batch"), JSON, "{\"jobs\": ["
        + "{\"url\": \"https://example.com/b0\", \"idempotency_key\": \"batch-k\"},"
        + "{\"url\": \"https://example.com/b1\", \"priority\": 3},"
        + "{\"url\": \"https://example.com/b0\", \"idempotency_key\": \"batch-k\"}]}");
    assertThat(ok.status()).isEqualTo(201);
    JsonNode items = ok.json().get("jobs");
    assertThat(items).hasSize(3);
    long first = Long.parseLong(items.get(0).get("job").get("job_id").asString().substring(4));
    assertThat(items.get(1).get("job").get("job_id").asString()).isEqualTo("job-" + (first + 1));
    assertThat(items.get(1).get("job").get("priority").asInt()).isEqualTo(3);
    assertThat(items.get(2).get("duplicate").asBoolean()).isTrue();
    assertThat(items.get(2).get("job").get("job_id").asString()).isEqualTo("job-" + first);
    assertThat(total()).isEqualTo(before + 2);

    assertThat(post(node.url("/api/v1/jobs/batch"), JSON, "{\"jobs\": []}").status()).isEqualTo(400);
    assertThat(post(node.url("/api/v1/jobs/batch"), JSON, "[{}]").status()).isEqualTo(400);
  }

  @Test
  void apiV1ListPagesByCursorFiltersAndSaysItsConsistency() {
    for (int i = 0; i < 5; i++) {
      post(node.url("/new-job"), FORM, "url=https://example.com/page" + i);
    }
    List<String> seen = new ArrayList<>();
    String cursor = "";
    for (int pages = 0; pages < 100; pages++) {
      Reply r = get(node.url("/api/v1/jobs?limit=2&status=pending&cursor=" + cursor));
      assertThat(r.status()).isEqualTo(200);
      r.json().get("jobs").forEach(j -> seen.add(j.get("job_id").asString()));
      JsonNode next = r.json().get("next_cursor");
      if (next == null || next.isNull()) {
        break;
      }
      cursor = next.asString();
    }
    assertThat(seen).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(5);
    assertThat(seen.size()).isEqualTo(get(node.url("/api/v1/stats")).json().get("counts").get("Pending").asInt());

    Reply local = get(node.url("/api/v1/jobs?consistency=local&limit=1"));
    assertThat(local.header("Mvmci-Consistency")).isEqualTo("local");
    assertThat(local.json().get("consistency").asString()).isEqualTo("local");

    assertThat(get(node.url("/api/v1/jobs?limit=0")).status()).isEqualTo(400);
    assertThat(get(node.url("/api/v1/jobs?limit=abc")).status()).isEqualTo(400);
    assertThat(get(node.url("/api/v1/jobs?cursor=bm9wZQ")).status()).isEqualTo(400);
    assertThat(get(node.url("/api/v1/jobs?status=Sleeping")).status()).isEqualTo(400);
    assertThat(get(node.url("/api/v1/jobs?consistency=eventual")).status()).isEqualTo(400);
    assertThat(get(node.url("/no/such/route")).status()).isEqualTo(404);
  }

  /**
   * A module's bytes are the body, whatever content type the client says: {@code curl --data-binary}
   * (workflows/README.md's walkthrough) sends application/x-www-form-urlencoded, and the servlet
   * container used to parse the module as form fields (a 500) when the query was read first.
   */
  @Test
  void aModuleDeploysWhateverContentTypeTheClientSends() throws Exception {
    byte[] wasm = Files.readAllBytes(Path.of("workflows/noop/noop.wasm"));
    String bearer = "Bearer " + io.mvmci.testing.ClusterConfig.SECRET_API;
    for (String type : new String[] {"application/wasm", FORM, null}) {
      Reply r = post(node.url("/api/v1/modules/formless"), type, wasm, "Authorization", bearer);
      assertThat(r.status()).as(type + ": " + r.body()).isEqualTo(201);
      assertThat(r.json().get("size_bytes").asLong()).isEqualTo(wasm.length);
    }
    Reply checked = post(node.url("/api/v1/modules/formless?check=in-flight&dry_run=true"), FORM, wasm,
        "Authorization", bearer);
    assertThat(checked.status()).as(checked.body()).isEqualTo(200);
    assertThat(checked.json().get("check").get("checked").asInt()).isZero();
    Reply bad = post(node.url("/api/v1/modules/formless?check=everything"), FORM, wasm, "Authorization", bearer);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("detail").asString()).isEqualTo("check must be \"in-flight\", not \"everything\"");
  }
}
