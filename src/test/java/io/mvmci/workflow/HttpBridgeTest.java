package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.CountingServer.Reply;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP side of http_request where a guest cannot easily look: bodies too big for its output. */
class HttpBridgeTest {
  private final CountingServer server = new CountingServer();
  private final HttpBridge bridge = new HttpBridge(EngineTestSupport.EGRESS);

  @AfterEach
  void stopServer() {
    server.close();
    bridge.close();
  }

  @Test
  void bodyOverTheCapIsCutThereAndMarkedTruncated() throws InterruptedException {
    byte[] big = new byte[HttpBridge.MAX_BODY + 1000];
    Arrays.fill(big, (byte) 'a');
    server.route("/big", (r, hit) -> Reply.text(big));
    HttpBridge.Result result = bridge.send(HttpBridge.parse(
        EngineTestSupport.utf8("{\"url\":\"" + server.url("/big") + "\"}")));
    JsonNode response = JsonMapper.builder().build().readTree(result.bytes());
    assertThat(result.code()).isEqualTo(result.bytes().length);
    assertThat(response.get("truncated").asBoolean()).isTrue();
    assertThat(response.get("body").asString()).hasSize(HttpBridge.MAX_BODY);
  }

  @Test
  void bodyOfExactlyTheCapIsNotTruncated() throws InterruptedException {
    byte[] full = new byte[HttpBridge.MAX_BODY];
    Arrays.fill(full, (byte) 'b');
    server.route("/full", (r, hit) -> Reply.text(full));
    HttpBridge.Result result = bridge.send(HttpBridge.parse(
        EngineTestSupport.utf8("{\"url\":\"" + server.url("/full") + "\"}")));
    JsonNode response = JsonMapper.builder().build().readTree(result.bytes());
    assertThat(response.has("truncated")).isFalse();
    assertThat(response.get("body").asString()).hasSize(HttpBridge.MAX_BODY);
  }

  @Test
  void malformedUtf8IsReplaced() throws InterruptedException {
    server.route("/bad", (r, hit) -> Reply.text(new byte[] {'o', 'k', (byte) 0xff}));
    HttpBridge.Result result = bridge.send(HttpBridge.parse(
        EngineTestSupport.utf8("{\"url\":\"" + server.url("/bad") + "\"}")));
    assertThat(JsonMapper.builder().build().readTree(result.bytes()).get("body").asString()).isEqualTo("ok\uFFFD");
  }

  @Test
  void timeoutIsCappedAt60Seconds() {
    HttpBridge.Parsed parsed = HttpBridge.parse(
        EngineTestSupport.utf8("{\"url\":\"http://example.com/\",\"timeout_ms\":3600000}"));
    assertThat(parsed.timeoutMs()).isEqualTo(60_000);
    assertThat(HttpBridge.parse(EngineTestSupport.utf8("{\"url\":\"http://example.com/\",\"timeout_ms\":0}"))
        .denied()).contains("timeout_ms");
  }
}
