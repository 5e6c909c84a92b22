package io.mvmci.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.Http;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Malformed input that once answered 500 (the independent test run's finding 7): each is a 4xx
 * problem+json that says what is wrong, on a real node over real HTTP.
 */
class MalformedInputTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.cluster(dirs.create("mvmci-malformed"), 1, "\n[workers]\nembedded = 0\n")
        .get(0).start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static void assertProblem(Reply r, int status, String detail) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).as(r.body()).startsWith("application/problem+json");
    assertThat(r.json().get("status").asInt()).isEqualTo(status);
    assertThat(r.json().get("detail").asString()).contains(detail);
  }

  @Test
  void multipartWithoutABoundaryIsRefusedNotA500() {
    assertProblem(Http.post(node.url("/new-job"), "multipart/form-data", "x"), 415, "not supported");
    assertProblem(Http.post(node.url("/new-job"), "multipart/form-data; boundary=abc",
        "--abc\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\nhttps://e.com\r\n--abc--\r\n"), 415, "");
    assertProblem(Http.post(node.url("/api/v1/jobs"), "multipart/form-data", "x"), 415, "");
  }

  @Test
  void anInvalidPercentEncodingInAQueryStringIsA400() {
    for (String q : List.of("/api/v1/jobs?limit=%ff", "/queue/list?consistency=%ff",
        "/queue/stats?consistency=%C3%28", "/api/v1/jobs/job-0?wait_ms=%e2%82")) {
      assertProblem(Http.get(node.url(q)), 400, "query string is malformed");
    }
    // java.net.URI refuses to send %zz; a socket does not
    String raw = raw("GET /api/v1/jobs?limit=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(raw).startsWith("HTTP/1.1 400").contains("application/problem+json").contains("query string is malformed");
  }

  static String raw(String request) {
    try (Socket s = new Socket("127.0.0.1", node.httpPort)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aRunAtOrDelayBeyondAnyCalendarIsA400() {
    for (String body : List.of(
        "{\"url\":\"https://e.com\",\"run_at\":\"+1000000000-01-01T00:00:00Z\"}",
        "{\"url\":\"https://e.com\",\"run_at\":\"-1000000000-01-01T00:00:00Z\"}",
        "{\"url\":\"https://e.com\",\"run_at\":\"+10000-01-01T00:00:00Z\"}",
        "{\"url\":\"https://e.com\",\"delay_ms\":9223372036854775807}")) {
      Reply r = Http.post(node.url("/api/v1/jobs"), "application/json", body);
      assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
      assertThat(r.json().get("field").asString()).isIn("run_at", "delay_ms");
    }
    Reply form = Http.post(node.url("/new-job"), "application/x-www-form-urlencoded",
        "url=https://e.com&run_at=%2B1000000000-01-01T00:00:00Z");
    assertProblem(form, 400, "run_at");
  }

  @Test
  void errorAskedForDirectlyIsAnUnknownEndpoint() {
    assertProblem(Http.get(node.url("/error")), 404, "no such endpoint");
    assertProblem(Http.post(node.url("/error"), "application/json", "{}"), 404, "no such endpoint");
  }

  @Test
  void integersTooBigForTheirFieldOnWorkerEndpointsAreA400() {
    String big = "99999999999999999999999";
    List<String[]> cases = List.of(
        new String[] {"claim", "{\"worker_id\":\"w\",\"max\":" + big + "}"},
        new String[] {"claim", "{\"worker_id\":\"w\",\"max\":1,\"wait_ms\":" + big + "}"},
        new String[] {"heartbeat", "{\"worker_id\":\"w\",\"capacity\":1,\"running\":[{\"seq\":" + big + ",\"attempt\":1}]}"},
        new String[] {"heartbeat", "{\"worker_id\":\"w\",\"capacity\":1,\"running\":[{\"seq\":1,\"attempt\":99999999999}]}"},
        new String[] {"complete", "{\"worker_id\":\"w\",\"seq\":1,\"attempt\":99999999999}"},
        new String[] {"release", "{\"worker_id\":\"w\",\"seq\":" + big + ",\"attempt\":1}"},
        new String[] {"fail", "{\"worker_id\":\"w\",\"seq\":1,\"attempt\":1,\"retry_delay_ms\":" + big + "}"},
        new String[] {"progress", "{\"worker_id\":\"w\",\"items\":[{\"seq\":1,\"attempt\":1,\"percent\":99999999999}]}"},
        new String[] {"progress", "{\"worker_id\":\"w\",\"items\":[{\"seq\":1,\"attempt\":1,\"percent\":5,"
            + "\"lines\":[{\"at\":" + big + ",\"level\":1,\"text\":\"x\"}]}]}"},
        new String[] {"progress", "{\"worker_id\":\"w\",\"items\":[{\"seq\":1,\"attempt\":1,\"percent\":5,"
            + "\"lines\":[{\"at\":1,\"level\":1111111111111,\"text\":\"x\"}]}]}"},
        new String[] {"steps", "{\"worker_id\":\"w\",\"seq\":" + big + ",\"attempt\":1,\"writes\":[{}]}"},
        new String[] {"history", "{\"worker_id\":\"w\",\"seq\":1,\"attempt\":1,\"execution\":99999999999}"});
    for (String[] c : cases) {
      Reply r = Http.post(node.url("/api/v1/workers/" + c[0]), "application/json",
          c[1].getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer " + ClusterConfig.SECRET_API);
      assertThat(r.status()).as(c[0] + " " + c[1] + " -> " + r.body()).isEqualTo(400);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.json().get("field")).as(r.body()).isNotNull();
    }
  }
}
