package io.mvmci.workflow;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code http_request} host function's HTTP side, as workflows/README.md specifies it:
 * the request JSON in, the response JSON (or an error code and message) out. Thread-safe.
 */
final class HttpBridge {
  static final int TRANSPORT = -1;
  static final int INTERRUPTED = -2;
  static final int DENIED = -3;
  /** The most body bytes a response carries: its JSON must fit one step of the run's history (2 MiB by default). */
  static final int MAX_BODY = 1024 * 1024;
  private static final long DEFAULT_TIMEOUT_MS = 10_000;
  private static final long MAX_TIMEOUT_MS = 60_000;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** What the guest gets back: {@code code} ≥ 0 is the length of {@code bytes}, the response JSON. */
  record Result(int code, byte[] bytes) {
    static Result error(int code, String message) {
      return new Result(code, message.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A request that passed validation, or the reason it was denied. */
  record Parsed(HttpRequest request, long timeoutMs, String denied) {}

  private final HttpClient client;

  HttpBridge(HttpClient client) {
    this.client = client;
  }

  static HttpClient defaultClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofMillis(MAX_TIMEOUT_MS))
        .build();
  }

  static Parsed parse(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      return denied("request is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      return denied("request must be a JSON object");
    }
    JsonNode url = root.get("url");
    if (url == null || !url.isString()) {
      return denied("request has no \"url\" string");
    }
    URI uri;
    try {
      uri = new URI(url.asString());
    } catch (java.net.URISyntaxException e) {
      return denied("malformed url: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      return denied("only http and https URLs are allowed: " + Text.shorten(url.asString(), 200));
    }
    JsonNode method = root.get("method");
    if (method != null && !method.isString()) {
      return denied("\"method\" must be a string");
    }
    JsonNode body = root.get("body");
    if (body != null && !body.isNull() && !body.isString()) {
      return denied("\"body\" must be a string");
    }
    JsonNode timeout = root.get("timeout_ms");
    long timeoutMs = DEFAULT_TIMEOUT_MS;
    if (timeout != null && !timeout.isNull()) {
      if (!timeout.isIntegralNumber() || timeout.asLong() <= 0) {
        return denied("\"timeout_ms\" must be a positive integer");
      }
      timeoutMs = Math.min(timeout.asLong(), MAX_TIMEOUT_MS);
    }
    try {
      HttpRequest.BodyPublisher publisher = body == null || body.isNull()
          ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(body.asString(), StandardCharsets.UTF_8);
      HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
          .timeout(Duration.ofMillis(timeoutMs))
          .method(method == null ? "GET" : method.asString(), publisher);
      JsonNode headers = root.get("headers");
      if (headers != null && !headers.isNull()) {
        if (!headers.isObject()) {
          return denied("\"headers\" must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> h : headers.properties()) {
          if (!h.getValue().isString()) {
            return denied("header \"" + h.getKey() + "\" must be a string");
          }
          builder.header(h.getKey(), h.getValue().asString());
        }
      }
      return new Parsed(builder.build(), timeoutMs, null);
    } catch (IllegalArgumentException e) {
      return denied(e.getMessage());
    }
  }

  private static Parsed denied(String reason) {
    return new Parsed(null, 0, reason);
  }

  /**
   * Sends the request and waits for the whole response, at most its timeout.
   *
   * @throws InterruptedException if the run thread is interrupted; the request is cancelled
   */
  Result send(Parsed parsed) throws InterruptedException {
    CompletableFuture<HttpResponse<LimitedBody.Body>> pending =
        client.sendAsync(parsed.request(), info -> new LimitedBody(MAX_BODY));
    try {
      return response(pending.get(parsed.timeoutMs(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      pending.cancel(true);
      throw e;
    } catch (TimeoutException e) {
      pending.cancel(true);
      return Result.error(TRANSPORT, "timed out after " + parsed.timeoutMs() + " ms");
    } catch (ExecutionException e) {
      return Result.error(TRANSPORT, transportMessage(e.getCause()));
    }
  }

  private static Result response(HttpResponse<LimitedBody.Body> response) {
    ObjectNode json = JSON.createObjectNode();
    json.put("status", response.statusCode());
    ObjectNode headers = json.putObject("headers");
    Map<String, String> sorted = new TreeMap<>();
    for (Map.Entry<String, List<String>> h : response.headers().map().entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!name.startsWith(":")) {
        sorted.merge(name, String.join(", ", h.getValue()), (a, b) -> a + ", " + b);
      }
    }
    sorted.forEach(headers::put);
    LimitedBody.Body body = response.body();
    json.put("body", new String(body.bytes(), StandardCharsets.UTF_8));
    if (body.truncated()) {
      json.put("truncated", true);
    }
    byte[] bytes = JSON.writeValueAsBytes(json);
    return new Result(bytes.length, bytes);
  }

  private static String transportMessage(Throwable t) {
    if (t instanceof HttpTimeoutException) {
      return "timed out: " + t.getMessage();
    }
    if (t instanceof ConnectException) {
      return "connection failed: " + (t.getMessage() == null ? t : t.getMessage());
    }
    if (t instanceof SSLException) {
      return "TLS failure: " + t.getMessage();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
