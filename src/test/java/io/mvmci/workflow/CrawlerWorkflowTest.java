package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.CountingServer.Reply;
import io.mvmci.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * workflows/crawler/crawler.wasm on the engine, against a local server: what
 * workflows/tools/test/crawler.test.mjs checks with the Node harness.
 */
class CrawlerWorkflowTest extends EngineTestSupport {
  CrawlerWorkflowTest() {
    super(shipped());
  }

  static final String PAGE = """
      <!doctype html><html><head><title>
              Tom &amp; Jerry  </title></head><body>
              <a href="/about">About</a> <a href="team/">Team</a> <a href="/about#history">again</a>
              <a href="#top">top</a> <a href="mailto:x@example.com">mail</a> <a href="javascript:go()">js</a>
              <a href="HTTPS://Example.COM/x?q=1&amp;r=2">ext</a> <!-- <a href="/commented"> -->
              <script>document.write('<a href="/scripted">')</script></body></html>""";

  @BeforeEach
  void routes() {
    server.route("/page", (r, hit) -> Reply.html(PAGE))
        .route("/based", (r, hit) -> Reply.html(
            "<base href=\"https://cdn.example/assets/\"><a href=\"img.png\">i</a><a href=\"//other.example\">o</a>"))
        .route("/start", (r, hit) -> Reply.redirect(301, "/middle"))
        .route("/middle", (r, hit) -> Reply.redirect(302, "dir/final"))
        .route("/dir/final", (r, hit) -> Reply.html("<title>Final</title><a href=\"sibling\">s</a>"))
        .route("/loop", (r, hit) -> Reply.redirect(302, "/loop"))
        .route("/json", (r, hit) -> new Reply(200, Map.of("content-type", "application/json"), "{\"a\":\"<a href=/x>\"}"))
        .route("/missing", (r, hit) -> new Reply(404, Map.of("content-type", "text/html"),
            "<title>Not here</title><a href=\"/\">home</a>"))
        .route("/notitle", (r, hit) -> Reply.html("<p>no title <a href=\"/a\">a</a></p>"))
        .route("/many", (r, hit) -> Reply.html(String.join("",
            IntStream.range(0, 150).mapToObj(i -> "<a href=\"/p" + i + "\">" + i + "</a>").toList())));
  }

  private RunOutcome crawl(String runId, String url) {
    return run(runId, "crawler", "{\"url\": " + quoted(url) + "}");
  }

  private static List<String> links(JsonNode out) {
    return out.get("links").valueStream().map(JsonNode::asString).toList();
  }

  @Test
  void reportsStatusTitleBytesAndResolvedDeduplicatedLinks() {
    JsonNode out = jsonOutput(crawl("page", server.url("/page")));

    assertThat(out.get("url").asString()).isEqualTo(server.url("/page"));
    assertThat(out.get("final_url").asString()).isEqualTo(server.url("/page"));
    assertThat(out.get("status").asInt()).isEqualTo(200);
    assertThat(out.get("content_type").asString()).isEqualTo("text/html; charset=utf-8");
    assertThat(out.get("title").asString()).as("entities decoded, whitespace collapsed").isEqualTo("Tom & Jerry");
    assertThat(out.get("truncated").asBoolean()).isFalse();
    assertThat(out.get("bytes").asInt()).isEqualTo(PAGE.getBytes(StandardCharsets.UTF_8).length);
    // "/about#history" is "/about" again; "#top", mailto:, javascript:, the comment and the
    // script are no links; the scheme and host are lower-cased and &amp; decoded.
    assertThat(links(out)).containsExactly(server.url("/about"), server.url("/team/"), "https://example.com/x?q=1&r=2");
    assertThat(server.hits("/page")).isEqualTo(1);
    assertThat(server.requests().get(0).header("user-agent")).isEqualTo("mvm-ci-crawler/0.1");
  }

  @Test
  void progressReachesTheSinkEndingAt100AndEveryReportIsJournaled() {
    jsonOutput(crawl("progress", server.url("/page")));

    // The sink sees coalesced reports (the latest wins per interval); the run's last one is
    // published before its outcome completes.
    List<ProgressUpdate.Progress> published = sink.progress("progress");
    assertThat(published).isNotEmpty();
    assertThat(published.get(published.size() - 1)).isEqualTo(new ProgressUpdate.Progress(100, "done: 3 links"));
    assertThat(published).extracting(ProgressUpdate.Progress::percent).isSorted().isSubsetOf(5, 70, 100);
    assertThat(journal().steps("progress", "progress")).extracting(JournalFile.Step::summary).containsExactly(
        "5% \"fetching " + server.url("/page") + "\"",
        "70% \"HTTP 200, parsing " + PAGE.getBytes(StandardCharsets.UTF_8).length + " bytes\"",
        "100% \"done: 3 links\"");
    assertThat(sink.logMessages("progress", LogLevel.INFO))
        .containsExactly(server.url("/page") + ": HTTP 200, 3 links");
  }

  @Test
  void resolvesLinksAgainstBaseHref() {
    JsonNode out = jsonOutput(crawl("based", server.url("/based")));
    assertThat(links(out)).containsExactly("https://cdn.example/assets/img.png", "https://other.example/");
  }

  /**
   * The host does not follow redirects (the ABI says so; {@link HttpBridge}'s client has redirect
   * handling off): the crawler sees each 3xx and follows it itself, one journaled request per hop.
   */
  @Test
  void followsRedirectsItselfAndResolvesLinksAgainstTheFinalUrl() {
    JsonNode out = jsonOutput(crawl("redirects", server.url("/start")));

    assertThat(out.get("url").asString()).isEqualTo(server.url("/start"));
    assertThat(out.get("final_url").asString()).as("the crawler followed the redirects, not the host")
        .isEqualTo(server.url("/dir/final"));
    assertThat(out.get("title").asString()).isEqualTo("Final");
    assertThat(links(out)).containsExactly(server.url("/dir/sibling"));
    assertThat(List.of(server.hits("/start"), server.hits("/middle"), server.hits("/dir/final"))).containsOnly(1);
    assertThat(journal().steps("redirects", "http_request")).as("one journaled request per hop").hasSize(3);
  }

  /** The crawler, following redirects itself, gives up after five. */
  @Test
  void failsOnARedirectLoop() {
    RunOutcome.Failed f = failure(crawl("loop", server.url("/loop")));
    assertThat(f.kind()).isEqualTo(FailureKind.GUEST_FAILED);
    assertThat(f.reason()).isEqualTo(server.url("/loop") + ": more than 5 redirects");
    assertThat(server.hits("/loop")).isEqualTo(6);
  }

  @Test
  void nonHtmlHasNoTitleAndNoLinks() {
    JsonNode out = jsonOutput(crawl("json", server.url("/json")));
    assertThat(out.get("title").isNull()).isTrue();
    assertThat(links(out)).isEmpty();
    assertThat(out.get("bytes").asInt()).isEqualTo(19);
    assertThat(out.get("content_type").asString()).isEqualTo("application/json");
  }

  @Test
  void http404IsAResultNotAFailure() {
    JsonNode out = jsonOutput(crawl("missing", server.url("/missing")));
    assertThat(out.get("status").asInt()).isEqualTo(404);
    assertThat(out.get("title").asString()).isEqualTo("Not here");
    assertThat(links(out)).containsExactly(server.url("/"));
  }

  @Test
  void pageWithoutATitleReportsNull() {
    JsonNode out = jsonOutput(crawl("notitle", server.url("/notitle")));
    assertThat(out.get("title").isNull()).isTrue();
    assertThat(links(out)).containsExactly(server.url("/a"));
  }

  @Test
  void capsLinksAt100InDocumentOrder() {
    List<String> links = links(jsonOutput(crawl("many", server.url("/many"))));
    assertThat(links).hasSize(100);
    assertThat(links.get(0)).isEqualTo(server.url("/p0"));
    assertThat(links.get(99)).isEqualTo(server.url("/p99"));
  }

  @Test
  void transportErrorFailsTheRunWithAReadableMessage() {
    String url = FreePorts.closedPortUrl();
    RunOutcome.Failed f = failure(crawl("refused", url));
    assertThat(f.kind()).isEqualTo(FailureKind.GUEST_FAILED);
    assertThat(f.reason()).startsWith("fetching " + url + ": transport error: connection failed");
  }

  @Test
  void urlThatIsNotHttpIsDenied() {
    RunOutcome.Failed f = failure(crawl("ftp", "ftp://example.com/"));
    assertThat(f.kind()).isEqualTo(FailureKind.GUEST_FAILED);
    assertThat(f.reason()).startsWith("fetching ftp://example.com/: denied: ")
        .contains("only http and https URLs are allowed");
  }

  @ParameterizedTest(name = "input [{0}]")
  @ValueSource(strings = {"", "{}", "{\"url\": 3}", "https://example.com"})
  void inputWithoutAUrlFailsReadably(String input) {
    RunOutcome.Failed f = failure(run("bad-input", "crawler", input));
    assertThat(f.kind()).isEqualTo(FailureKind.GUEST_FAILED);
    assertThat(f.reason()).startsWith("input must be {\"url\": \"http(s)://...\"}: ");
    assertThat(server.requests()).isEmpty();
  }
}
