package io.mvmci.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.RawHttp;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What {@link ApiFuzzingTest} found answering 5xx, each now a 4xx problem+json, on a real node. */
class ApiFuzzFindingsTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.cluster(dirs.create("mvmci-fuzzfound"), 1, "\n[workers]\nembedded = 0\n")
        .get(0).start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static RawHttp.Reply send(String request) {
    return RawHttp.exchange(node.httpPort, request.getBytes(StandardCharsets.ISO_8859_1), 15_000);
  }

  static void assertProblem(RawHttp.Reply r, int status) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).as(r.body()).startsWith("application/problem+json");
    assertThat(r.body()).contains("\"status\":" + status);
  }

  /** Seed 1, request 371: the body reader answered nothing, and the container made that a 500. */
  @Test
  void aBrokenChunkedBodyIsA400() {
    for (String path : List.of("/api/v1/session", "/api/v1/jobs", "/new-job")) {
      RawHttp.Reply r = send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n9\r\n\"Pending\"\r\nzz\r\n");
      assertProblem(r, 400);
      assertThat(r.body()).contains("could not be read");
    }
  }

  /** Seed 1, request 194 and others: Tomcat answers CONNECT with a 501 HTML page of its own. */
  @Test
  void connectIsA405ProblemWithAllow() {
    for (String target : List.of("/api/v1/cluster", "/new-job", "example.com:443")) {
      RawHttp.Reply r = send("CONNECT " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertProblem(r, 405);
      assertThat(r.header("Allow")).contains("GET").contains("POST");
    }
  }

  @Test
  void whatTomcatRefusesItselfIsProblemJsonToo() {
    RawHttp.Reply r = send("GET /api/v1/jobs/%2e%2e/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertProblem(r, 400);
  }

  /** Seed 1, request 744: Tomcat answers a request line naming HTTP/2.0 with a 505. */
  @Test
  void anotherHttpVersionIsA400() {
    for (String version : List.of("HTTP/2.0", "HTTP/9.9")) {
      assertProblem(send("GET /api/v1/stats " + version + "\r\nHost: x\r\nConnection: close\r\n\r\n"), 400);
    }
  }

  /**
   * Seed 1, requests 646 and 890: a write whose Accept rules out JSON ran (a ticket issued, a job
   * cancelled) and then answered 406. It is refused before it runs now, and nothing changes.
   */
  @Test
  void aWriteThatCannotBeAnsweredInJsonIsRefusedBeforeItRuns() {
    RawHttp.Reply submitted = send(post("/api/v1/jobs", "application/json", "{\"url\":\"https://example.com\"}"));
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
    String id = io.mvmci.testing.Http.JSON.readTree(submitted.body()).get("job_id").asString();
    for (String accept : List.of("text/html", "image/png", "application/json;q=0")) {
      assertProblem(send(post("/api/v1/jobs/" + id + "/cancel", accept, "")), 406);
      assertProblem(send(post("/api/v1/tickets", accept, "{\"label\":\"x\"}")), 406);
    }
    assertProblem(send(post("/api/v1/jobs/" + id + "/cancel", "*/*;q=x", "")), 400);
    RawHttp.Reply job = send("GET /api/v1/jobs/" + id + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(job.body()).contains("\"status\":\"Pending\"");
    RawHttp.Reply tickets = send("GET /api/v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + io.mvmci.testing.ClusterConfig.SECRET_API + "\r\nConnection: close\r\n\r\n");
    assertThat(tickets.body()).as("no ticket was issued").doesNotContain("\"label\":\"x\"");
    assertThat(send(post("/api/v1/jobs/" + id + "/cancel", "application/json, text/html", "")).status())
        .as("JSON among what is accepted: it runs").isEqualTo(200);
  }

  static String post(String path, String accept, String json) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + io.mvmci.testing.ClusterConfig.SECRET_API
        + "\r\nAccept: " + accept + "\r\nContent-Type: application/json\r\nContent-Length: "
        + json.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + json;
  }

  /** Seed 1, request 1316: a wildcard Content-Type made Spring throw on the actuator's endpoints. */
  @Test
  void aWildcardContentTypeIsA415() {
    for (String path : List.of("/actuator/health", "/api/v1/jobs")) {
      for (String type : List.of("*/*", "application/*")) {
        assertProblem(send("GET " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + type
            + "\r\nConnection: close\r\n\r\n"), 415);
      }
    }
  }

  /** Seed 1, request 1023: Spring's FormContentFilter decoded a DELETE's form body and threw on %zz. */
  @Test
  void aFormBodyOnADeleteIsNotParsedByTheContainer() {
    String body = "a=%zz&b=%";
    RawHttp.Reply r = send("DELETE /openapi.json HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
        + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    assertProblem(r, 405);
  }

  /** Seed 1, request 2332: Spring Boot's Prometheus endpoint threw on an empty Accept header. */
  @Test
  void anEmptyAcceptIsNoAccept() {
    RawHttp.Reply r = send("GET /actuator/prometheus HTTP/1.1\r\nHost: x\r\nAccept: \r\nConnection: close\r\n\r\n");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("# HELP");
  }

  /** Seed 2, request 1383: the error page could not make a URI of the path "//" and answered 500. */
  @Test
  void anErrorOnAPathThatIsNoUriIsStillA4xx() {
    RawHttp.Reply r = send("GET //?from=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(r.status()).as(r.body()).isBetween(400, 499);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
  }
}
