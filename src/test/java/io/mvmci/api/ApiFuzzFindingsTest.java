package io.mvmci.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.RawHttp;
import io.mvmci.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What {@link ApiFuzzingTest} found answering 5xx, each now a 4xx problem+json, on a real node. */
class ApiFuzzFindingsTest {
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.cluster(Files.createTempDirectory("mvmci-fuzzfound"), 1, "\n[workers]\nembedded = 0\n")
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
}
