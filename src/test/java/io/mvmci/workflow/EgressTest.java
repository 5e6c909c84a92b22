package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.mvmci.testing.CountingServer.Reply;
import io.mvmci.testing.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The egress policy where runs meet it: the host checks every address at connect time, so a
 * workflow that follows a redirect to a private address, a metadata service or the node's own API is
 * denied at that hop, with {@code -3 DENIED} and a message that is the same whether or not anything
 * listens there. The test server is on 127.0.0.1, which {@link EngineTestSupport#EGRESS} allows; the
 * "internal" server is on 127.0.0.2, which it does not.
 */
class EgressTest extends EngineTestSupport {
  EgressTest() {
    super(shipped());
  }

  HttpServer internal;
  final AtomicInteger internalHits = new AtomicInteger();

  @BeforeEach
  void startInternalServer() throws IOException {
    internal = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
    internal.createContext("/", exchange -> {
      internalHits.incrementAndGet();
      byte[] body = "<title>secret-token-from-metadata</title>".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/html");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    internal.start();
  }

  @AfterEach
  void stopInternalServer() {
    internal.stop(0);
  }

  String internalUrl(String path) {
    return "http://127.0.0.2:" + internal.getAddress().getPort() + path;
  }

  private RunOutcome crawl(WorkflowEngine engine, String runId, String url) {
    return run(engine, runId, "crawler", "{\"url\": " + quoted(url) + "}");
  }

  @Test
  void aRedirectToAnAddressTheNodeDeniesIsDeniedAtThatHop() {
    server.route("/hop", (r, hit) -> Reply.redirect(302, internalUrl("/latest/meta-data/")));
    RunOutcome.Failed f = failure(crawl(engine(), "ssrf", server.url("/hop")));

    assertThat(f.reason()).contains("denied: denied by this node's egress policy: 127.0.0.2 is a loopback address");
    assertThat(f.reason()).doesNotContain("secret-token");
    assertThat(server.hits("/hop")).as("the first hop is allowed").isEqualTo(1);
    assertThat(internalHits.get()).as("no connection reached the internal server").isZero();
  }

  @Test
  void theSameCrawlReachesItWhenTheOperatorAllowsTheRange() {
    server.route("/hop", (r, hit) -> Reply.redirect(302, internalUrl("/latest/meta-data/")));
    WorkflowEngine open = new WorkflowEngine(config(), registry, sink,
        new HttpBridge(EgressPolicy.allowing(List.of("127.0.0.0/8"))), StepHook.NONE);
    try {
      assertThat(jsonOutput(crawl(open, "allowed", server.url("/hop"))).get("title").asString())
          .isEqualTo("secret-token-from-metadata");
      assertThat(internalHits.get()).isEqualTo(1);
    } finally {
      open.close();
    }
  }

  @Test
  void aDeniedRequestSaysTheSameWhetherOrNotThePortIsOpen() throws InterruptedException {
    try (HttpBridge bridge = new HttpBridge(EgressPolicy.publicOnly())) {
      HttpBridge.Result open = bridge.send(HttpBridge.parse(utf8("{\"url\":\"" + server.url("/x") + "\"}")));
      HttpBridge.Result closed = bridge.send(HttpBridge.parse(utf8("{\"url\":\"" + FreePorts.closedPortUrl() + "\"}")));
      assertThat(open.code()).isEqualTo(HttpBridge.DENIED);
      assertThat(closed.code()).isEqualTo(HttpBridge.DENIED);
      assertThat(new String(open.bytes(), StandardCharsets.UTF_8))
          .isEqualTo(new String(closed.bytes(), StandardCharsets.UTF_8))
          .isEqualTo("denied by this node's egress policy: 127.0.0.1 is a loopback address; an operator may allow"
              + " a range with [workers] egress_allow");
      HttpBridge.Result named = bridge.send(HttpBridge.parse(utf8("{\"url\":\"http://localhost:"
          + server.port() + "/x\"}")));
      assertThat(named.code()).as("a name is judged by what it resolves to").isEqualTo(HttpBridge.DENIED);
      HttpBridge.Result metadata = bridge.send(HttpBridge.parse(utf8("{\"url\":\"http://169.254.169.254/latest\","
          + "\"timeout_ms\":2000}")));
      assertThat(new String(metadata.bytes(), StandardCharsets.UTF_8)).contains("link-local");
    }
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void aProtectedEndpointIsDeniedEvenInAnAllowedRange() throws InterruptedException {
    EgressPolicy p = EGRESS.protecting(List.of(new EgressPolicy.Endpoint("127.0.0.1", server.port())));
    try (HttpBridge bridge = new HttpBridge(p)) {
      HttpBridge.Result r = bridge.send(HttpBridge.parse(utf8("{\"url\":\"" + server.url("/api/v1/jobs") + "\"}")));
      assertThat(r.code()).isEqualTo(HttpBridge.DENIED);
      assertThat(new String(r.bytes(), StandardCharsets.UTF_8)).contains("a port of this mvm-ci cluster");
    }
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void restrictedAndMalformedHeadersAreDenied() {
    for (String headers : List.of("{\"Host\":\"internal\"}", "{\"Transfer-Encoding\":\"chunked\"}",
        "{\"x\":\"a\\r\\nInjected: 1\"}", "{\"bad name\":\"v\"}")) {
      HttpBridge.Parsed p = HttpBridge.parse(utf8("{\"url\":\"http://example.com/\",\"headers\":" + headers + "}"));
      assertThat(p.denied()).as(headers).isNotNull();
    }
    assertThat(HttpBridge.parse(utf8("{\"url\":\"http://example.com/\",\"method\":\"CONNECT\"}")).denied()).isNotNull();
  }
}
