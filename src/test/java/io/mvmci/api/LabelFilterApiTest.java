package io.mvmci.api;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/jobs?label=...} over the real API of one real node, with keyset paging. */
class LabelFilterApiTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static TestNode node;
  static String both;
  static String gpu;
  static String none;
  static String arm;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.cluster(dirs.create("mvmci-labelfilter"), 1, "").get(0).start();
    // Delayed an hour: they stay Pending whatever workers the node has.
    both = submit("[\"gpu\",\"arm64\"]");
    gpu = submit("[\"gpu\"]");
    none = submit("[]");
    arm = submit("[\"arm64\"]");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static String submit(String labels) {
    Reply r = post(node.url("/api/v1/jobs"), "application/json",
        "{\"workflow\":\"noop\",\"delay_ms\":3600000,\"labels\":" + labels + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("job_id").asString();
  }

  static List<String> ids(String query) {
    Reply r = get(node.url("/api/v1/jobs?" + query));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().get("jobs").forEach(j -> out.add(j.get("job_id").asString()));
    return out;
  }

  @Test
  void aLabelKeepsTheJobsThatRequireIt() {
    assertThat(ids("label=gpu")).containsExactly(both, gpu);
    assertThat(ids("label=arm64&order=desc")).containsExactly(arm, both);
    assertThat(ids("label=gpu&status=Pending")).containsExactly(both, gpu);
    assertThat(ids("label=gpu&status=Pending,Completed&order=desc")).containsExactly(gpu, both);
    assertThat(ids("label=gpu&status=Completed")).isEmpty();
    assertThat(ids("label=gpu&workflow=noop")).containsExactly(both, gpu);
    assertThat(ids("label=gpu&job=" + gpu)).containsExactly(gpu);
    assertThat(ids("label=arm64&job=" + gpu)).isEmpty();
    assertThat(ids("")).contains(both, gpu, none, arm);
  }

  @Test
  void severalLabelsMustAllBeAmongTheJobs() {
    assertThat(ids("label=gpu,arm64")).containsExactly(both);
    assertThat(ids("label=arm64&label=gpu")).containsExactly(both);
    assertThat(ids("label=gpu&label=gpu")).containsExactly(both, gpu);
    assertThat(ids("label=gpu,fpga")).isEmpty();
    assertThat(ids("label=fpga")).as("a label no job requires").isEmpty();
    assertThat(ids("label=gp")).as("no prefix match").isEmpty();
  }

  @Test
  void keysetPagingWalksOnlyTheMatches() {
    JsonNode first = get(node.url("/api/v1/jobs?label=gpu&limit=1")).json();
    assertThat(first.get("jobs").get(0).get("job_id").asString()).isEqualTo(both);
    assertThat(first.get("jobs").get(0).get("labels").toString()).isEqualTo("[\"gpu\",\"arm64\"]");
    String cursor = first.get("next_cursor").asString();
    JsonNode second = get(node.url("/api/v1/jobs?label=gpu&limit=1&cursor=" + cursor)).json();
    assertThat(second.get("jobs").get(0).get("job_id").asString()).isEqualTo(gpu);
    JsonNode third = get(node.url("/api/v1/jobs?label=gpu&limit=1&cursor="
        + second.get("next_cursor").asString())).json();
    assertThat(third.get("jobs")).isEmpty();
    assertThat(third.get("next_cursor").isNull() || third.get("next_cursor").isMissingNode()).isTrue();
  }

  @Test
  void theEventStreamTakesTheLabelFilterToo() throws Exception {
    try (io.mvmci.testing.SseClient s = io.mvmci.testing.SseClient.open(node.url("/api/v1/events?label=tpu"))) {
      assertThat(s.status).isEqualTo(200);
      String plain = submit("[\"cuda\"]");
      String later = submit("[\"cuda\",\"tpu\"]");
      // The stream is in log order: had the cuda-only job passed the filter, it would come first.
      io.mvmci.testing.SseClient.Event first = s.await(e -> e.event().equals("job"), java.time.Duration.ofSeconds(20));
      assertThat(first.json().get("job_id").asString()).as("not " + plain).isEqualTo(later);
    }
    assertThat(get(node.url("/api/v1/events?label=Nope")).status()).isEqualTo(400);
  }

  @Test
  void aBadLabelIsAProblem() {
    for (String bad : List.of("GPU", "-x", "a%20b", "x".repeat(65))) {
      Reply r = get(node.url("/api/v1/jobs?label=" + bad));
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.body()).contains("label");
    }
  }
}
