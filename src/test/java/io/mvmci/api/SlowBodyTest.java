package io.mvmci.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.Http;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slow request bodies (the independent test run's finding 3: 220 connections sending a byte every
 * 5 s, each answered 401, held every request thread and the health probes timed out). Each node here
 * has 8 request threads; three times as many connections send their headers and one byte of a
 * 1,000-byte body, then nothing. Health must keep answering at once, a refusal must not wait for the
 * body, and a body that does not arrive in time is a 408.
 */
class SlowBodyTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String TOKEN = "slow-body-test-token-0123456789";
  static final int THREADS = 8;
  static final long BODY_TIMEOUT_MS = 2_000;
  static TestNode guarded;
  static TestNode open;

  @BeforeAll
  static void start() throws IOException {
    String api = "\n[api]\nbody_timeout_ms = " + BODY_TIMEOUT_MS + "\n";
    guarded = TestNode.cluster(dirs.create("mvmci-slow-guarded"), 1,
        api + "token = \"" + TOKEN + "\"\n[workers]\nembedded = 0\n").get(0)
        .startWith("--server.tomcat.threads.max=" + THREADS);
    open = TestNode.cluster(dirs.create("mvmci-slow-open"), 1, api + "[workers]\nembedded = 0\n").get(0)
        .startWith("--server.tomcat.threads.max=" + THREADS);
  }

  @AfterAll
  static void stop() {
    guarded.close();
    open.close();
  }

  /** Sends a POST's headers, declaring 1,000 bytes of body, and the first byte; then nothing. */
  static Socket slowPost(TestNode node, String path, String... headers) {
    return slowRequest(node, "POST", path, headers);
  }

  /** Sends a request's headers, declaring 1,000 bytes of body, and the first byte; then nothing. */
  static Socket slowRequest(TestNode node, String method, String target, String... headers) {
    try {
      Socket s = new Socket("127.0.0.1", node.httpPort);
      s.setSoTimeout(30_000);
      StringBuilder req = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
          + "Content-Type: application/json\r\n");
      for (String h : headers) {
        req.append(h).append("\r\n");
      }
      req.append("\r\n{");
      s.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String statusLine(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
      line.append((char) c);
    }
    return line.toString().strip();
  }

  /** A health probe as an orchestrator sends one: a fresh connection and a 2 s deadline. */
  static int probe(TestNode node) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(node.url("/actuator/health/liveness")))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }

  static void closeAll(List<Socket> sockets) {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // gone already
      }
    }
  }

  @Test
  void unauthenticatedSlowBodiesAreRefusedAtOnceAndHoldNoThread() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 3 * THREADS; i++) {
        slow.add(slowPost(guarded, i % 2 == 0 ? "/new-job" : "/api/v1/workers/claim"));
      }
      for (Socket s : slow) {
        assertThat(statusLine(s)).as("refused before the body arrives").isEqualTo("HTTP/1.1 401");
      }
      for (int i = 0; i < 5; i++) {
        assertThat(probe(guarded)).isEqualTo(200);
      }
      assertThat(Http.get(guarded.url("/queue/stats"), "Authorization", "Bearer " + TOKEN).status()).isEqualTo(200);
    } finally {
      closeAll(slow);
    }
  }

  @Test
  void slowBodiesOnAnOpenEndpointHoldNoThreadAndTimeOutWith408() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 3 * THREADS; i++) {
        slow.add(slowPost(open, i % 2 == 0 ? "/new-job" : "/api/v1/jobs"));
      }
      slow.add(slowPost(open, "/api/v1/workers/claim", "Authorization: Bearer " + ClusterConfig.SECRET_API));
      for (int i = 0; i < 5; i++) {
        assertThat(probe(open)).isEqualTo(200);
      }
      Http.Reply ok = Http.post(open.url("/new-job"), "application/x-www-form-urlencoded", "url=https://example.com/");
      assertThat(ok.status()).as("a whole body is served meanwhile").isEqualTo(201);
      long start = System.nanoTime();
      for (Socket s : slow) {
        assertThat(statusLine(s)).isEqualTo("HTTP/1.1 408");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    } finally {
      closeAll(slow);
    }
  }

  /**
   * Requests Tomcat refuses itself, before any filter (a path it cannot decode, {@code CONNECT}), that
   * declare a body and send one byte of it. Tomcat drained such a body after its answer, at the client's
   * pace, up to its connection timeout (10 s), holding a request thread: three times the node's
   * threads held them all for half a minute. Each is answered and closed at once instead.
   */
  @Test
  void requestsTheContainerRefusesAreClosedWithoutWaitingForTheirBody() throws Exception {
    List<Socket> refused = new ArrayList<>();
    try {
      for (int i = 0; i < 3 * THREADS; i++) {
        refused.add(i % 2 == 0 ? slowPost(open, "/api/v1/jobs/%zz") : slowRequest(open, "CONNECT", "example.com:443"));
      }
      for (int i = 0; i < refused.size(); i++) {
        Socket s = refused.get(i);
        s.setSoTimeout(5_000); // under the 10 s Tomcat would wait for the body
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(answer).as("answered, then closed").startsWith(i % 2 == 0 ? "HTTP/1.1 400" : "HTTP/1.1 405")
            .contains("application/problem+json").containsIgnoringCase("Connection: close");
      }
      for (int i = 0; i < 5; i++) {
        assertThat(probe(open)).isEqualTo(200);
      }
    } finally {
      closeAll(refused);
    }
  }

  /**
   * A body whose first part came with the headers and whose rest comes later: the filter takes what
   * arrived at once and reads the rest asynchronously, and the controller sees every byte, in order.
   * And a body that came whole with its headers is served as it is.
   */
  @Test
  void aBodyArrivingInPartsIsServedWholeAsIsOneArrivingAtOnce() throws Exception {
    String marker = "x".repeat(3_000) + "-end";
    byte[] body = ("{\"workflow\":\"noop\",\"input\":{\"note\":\"" + marker + "\"}}").getBytes(StandardCharsets.UTF_8);
    int split = 1_000;
    try (Socket s = new Socket("127.0.0.1", open.httpPort)) {
      s.setSoTimeout(30_000);
      String head = "POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\nConnection: close\r\n\r\n";
      s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().write(body, 0, split);
      s.getOutputStream().flush();
      Thread.sleep(300); // the request is being read by now, with the first part only
      s.getOutputStream().write(body, split, body.length - split);
      s.getOutputStream().flush();
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 201");
      String id = answer.replaceAll("(?s).*\"job_id\":\"([^\"]+)\".*", "$1");
      assertThat(Http.get(open.url("/api/v1/jobs/" + id)).json().get("input").get("note").asString()).isEqualTo(marker);
    }
    Http.Reply whole = Http.post(open.url("/api/v1/jobs"), "application/json", new String(body, StandardCharsets.UTF_8));
    assertThat(whole.status()).isEqualTo(201);
    assertThat(Http.get(open.url("/api/v1/jobs/" + whole.json().get("job_id").asString())).json()
        .get("input").get("note").asString()).isEqualTo(marker);
  }

  /**
   * Two submissions pipelined in one write: the first body is followed in the container's buffer by
   * the second request, and each body taken at once must be exactly its own.
   */
  @Test
  void pipelinedRequestsEachGetTheirOwnBody() throws Exception {
    StringBuilder wire = new StringBuilder();
    for (String note : List.of("first", "second")) {
      String body = "{\"workflow\":\"noop\",\"input\":{\"note\":\"" + note + "\"}}";
      wire.append("POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ")
          .append(body.length()).append(note.equals("second") ? "\r\nConnection: close" : "").append("\r\n\r\n")
          .append(body);
    }
    try (Socket s = new Socket("127.0.0.1", open.httpPort)) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(wire.toString().getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      String answers = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      java.util.regex.Matcher ids = java.util.regex.Pattern.compile("\"job_id\":\"([^\"]+)\"").matcher(answers);
      List<String> notes = new ArrayList<>();
      while (ids.find()) {
        notes.add(Http.get(open.url("/api/v1/jobs/" + ids.group(1))).json().get("input").get("note").asString());
      }
      assertThat(answers.split("HTTP/1.1 201", -1)).as(answers).hasSize(3);
      assertThat(notes).containsExactly("first", "second");
    }
  }
}
