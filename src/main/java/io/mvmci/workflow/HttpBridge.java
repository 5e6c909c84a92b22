package io.mvmci.workflow;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code http_request} host function's HTTP side, as workflows/README.md specifies it: the
 * request JSON in, the response JSON (or an error code and message) out. Thread-safe.
 *
 * <p><b>Egress.</b> Every address a request's host name resolves to is checked against the
 * {@link EgressPolicy} when the connection is made, and the connection goes to exactly the addresses
 * that were checked: the client's {@link DnsResolver} is ours, so there is one resolution, used for
 * both the check and the connect. A DNS answer that changes between a check and a connect (DNS
 * rebinding) therefore cannot slip a private address in, and a name that resolves to a public and a
 * private address is denied as a whole. TLS still verifies the certificate against, and sends SNI
 * for, the name in the URL. The host never follows redirects (a 3xx is a response like any other); a
 * workflow that follows one makes a new request, checked again. No proxy is used, whatever the
 * system properties say. A denied request is {@code -3 DENIED}, before any connection is attempted,
 * so its message is the same whether or not anything listens on the port.
 *
 * <p><b>Lease.</b> Once connected, right before the request is written, the {@link SendGate} asks the
 * run's gate; a run whose lease is not known to hold sends nothing ({@link RunAbort.ClaimLost}).
 */
final class HttpBridge implements AutoCloseable {
  static final int TRANSPORT = -1;
  static final int INTERRUPTED = -2;
  static final int DENIED = -3;
  /** The most body bytes a response carries: its JSON must fit one step of the run's history (2 MiB by default). */
  static final int MAX_BODY = 1024 * 1024;
  private static final long DEFAULT_TIMEOUT_MS = 10_000;
  private static final long MAX_TIMEOUT_MS = 60_000;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** RFC 9110 token: a method or a header name. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
  /** Headers the host sets itself, or that would let a request say something else than it seems to. */
  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade",
      "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection");

  /** What the guest gets back: {@code code} ≥ 0 is the length of {@code bytes}, the response JSON. */
  record Result(int code, byte[] bytes) {
    static Result error(int code, String message) {
      return new Result(code, message.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A request that passed validation, or the reason it was denied. */
  record Parsed(URI uri, String method, Map<String, String> headers, byte[] body, long timeoutMs, String denied) {}

  /** A connection the egress policy refuses; thrown before any socket is opened. */
  static final class EgressDeniedException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    EgressDeniedException(String message) {
      super(message);
    }
  }

  private final EgressPolicy policy;
  private final CloseableHttpClient client;
  private final PoolingHttpClientConnectionManager connections;
  /** Runs the blocking exchanges, so that a run thread waits for one interruptibly. */
  private final ExecutorService exchanges;

  HttpBridge(EgressPolicy policy) {
    this.policy = policy;
    this.connections = PoolingHttpClientConnectionManagerBuilder.create()
        .setDnsResolver(new GuardedResolver(policy))
        .setMaxConnTotal(1024)
        .setMaxConnPerRoute(64)
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setConnectTimeout(Timeout.ofMilliseconds(MAX_TIMEOUT_MS))
            .setSocketTimeout(Timeout.ofMilliseconds(MAX_TIMEOUT_MS))
            .setTimeToLive(60, TimeUnit.SECONDS)
            .build())
        .build();
    this.client = HttpClients.custom()
        .setConnectionManager(connections)
        .setProxySelector(null)
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableCookieManagement()
        .disableAuthCaching()
        .disableContentCompression()
        .setUserAgent("mvm-ci")
        .addExecInterceptorAfter(ChainElement.CONNECT.name(), SendGate.NAME, new SendGate())
        .build();
    this.exchanges = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "wf-http");
      t.setDaemon(true);
      return t;
    });
  }

  EgressPolicy policy() {
    return policy;
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
    String verb = method == null ? "GET" : method.asString();
    if (!TOKEN.matcher(verb).matches() || verb.equalsIgnoreCase("CONNECT")) {
      return denied("invalid method " + Text.quote(verb, 40));
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
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode given = root.get("headers");
    if (given != null && !given.isNull()) {
      if (!given.isObject()) {
        return denied("\"headers\" must be an object of strings");
      }
      for (Map.Entry<String, JsonNode> h : given.properties()) {
        String name = h.getKey();
        if (!h.getValue().isString()) {
          return denied("header \"" + name + "\" must be a string");
        }
        if (!TOKEN.matcher(name).matches()) {
          return denied("invalid header name " + Text.quote(name, 60));
        }
        if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
          return denied("restricted header name: \"" + name + "\"");
        }
        String value = h.getValue().asString();
        if (!validValue(value)) {
          return denied("invalid header value for \"" + name + "\"");
        }
        headers.put(name, value);
      }
    }
    byte[] bytes = body == null || body.isNull() ? null : body.asString().getBytes(StandardCharsets.UTF_8);
    return new Parsed(uri, verb, headers, bytes, timeoutMs, null);
  }

  private static boolean validValue(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static Parsed denied(String reason) {
    return new Parsed(null, null, Map.of(), null, 0, reason);
  }

  /** {@link #send(Parsed, BooleanSupplier)} with no gate: the engine on its own, tests. */
  Result send(Parsed parsed) throws InterruptedException {
    return send(parsed, SendGate.OPEN);
  }

  /**
   * Sends the request and waits for the whole response, at most its timeout. {@code gate} is asked
   * once the connection is made, right before the request is written ({@link SendGate}).
   *
   * @throws InterruptedException if the run thread is interrupted; the request is cancelled
   * @throws RunAbort.ClaimLost if the gate refused: nothing was sent
   */
  Result send(Parsed parsed, BooleanSupplier gate) throws InterruptedException {
    HttpUriRequestBase request = new HttpUriRequestBase(parsed.method(), parsed.uri());
    parsed.headers().forEach(request::addHeader);
    if (parsed.body() != null) {
      request.setEntity(new ByteArrayEntity(parsed.body(), null));
    }
    request.setConfig(RequestConfig.custom()
        .setConnectionRequestTimeout(Timeout.ofMilliseconds(parsed.timeoutMs()))
        .setResponseTimeout(Timeout.ofMilliseconds(parsed.timeoutMs()))
        .build());
    Future<Result> pending;
    try {
      HttpClientContext context = SendGate.context(gate);
      pending = exchanges.submit(() -> exchange(request, context));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return Result.error(TRANSPORT, "the engine is shutting down");
    }
    try {
      return pending.get(parsed.timeoutMs(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      request.cancel();
      pending.cancel(true);
      throw e;
    } catch (TimeoutException e) {
      request.cancel();
      pending.cancel(true);
      return Result.error(TRANSPORT, "timed out after " + parsed.timeoutMs() + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SendGate.Closed closed) {
        throw new RunAbort.ClaimLost(closed.getMessage());
      }
      return failure(e.getCause(), parsed);
    }
  }

  private Result exchange(HttpUriRequestBase request, HttpClientContext context) throws IOException {
    CloseableHttpResponse response = client.execute(request, context);
    try {
      ObjectNode json = JSON.createObjectNode();
      json.put("status", response.getCode());
      ObjectNode headers = json.putObject("headers");
      Map<String, String> sorted = new TreeMap<>();
      for (Header h : response.getHeaders()) {
        sorted.merge(h.getName().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b);
      }
      sorted.forEach(headers::put);
      byte[] body = new byte[0];
      boolean truncated = false;
      HttpEntity entity = response.getEntity();
      if (entity != null) {
        try (InputStream in = entity.getContent()) {
          byte[] read = in.readNBytes(MAX_BODY + 1);
          truncated = read.length > MAX_BODY;
          body = truncated ? java.util.Arrays.copyOf(read, MAX_BODY) : read;
          if (truncated) {
            request.cancel(); // drop the connection rather than read the rest to reuse it
          }
        } catch (IOException e) {
          if (!truncated) {
            throw e;
          }
        }
      }
      json.put("body", new String(body, StandardCharsets.UTF_8));
      if (truncated) {
        json.put("truncated", true);
      }
      byte[] bytes = JSON.writeValueAsBytes(json);
      return new Result(bytes.length, bytes);
    } finally {
      try {
        response.close();
      } catch (IOException e) {
        // a connection dropped after a cut-off body; the response is whole already
      }
    }
  }

  private static Result failure(Throwable t, Parsed parsed) {
    if (t instanceof EgressDeniedException) {
      return Result.error(DENIED, t.getMessage());
    }
    if (t instanceof UnknownHostException) {
      return Result.error(TRANSPORT, "unknown host: " + parsed.uri().getHost());
    }
    if (t instanceof SocketTimeoutException || t instanceof org.apache.hc.core5.http.ConnectionRequestTimeoutException) {
      return Result.error(TRANSPORT, "timed out: " + t.getMessage());
    }
    if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
      return Result.error(TRANSPORT, "connection failed: " + (t.getMessage() == null ? t : t.getMessage()));
    }
    if (t instanceof SSLException) {
      return Result.error(TRANSPORT, "TLS failure: " + t.getMessage());
    }
    return Result.error(TRANSPORT, t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
  }

  @Override
  public void close() {
    exchanges.shutdownNow();
    try {
      client.close();
    } catch (IOException e) {
      // nothing to do about it
    }
  }

  /**
   * The client's name resolution: every address the name resolves to must pass the policy, and the
   * client then connects to exactly these addresses.
   */
  static final class GuardedResolver implements DnsResolver {
    private final EgressPolicy policy;

    GuardedResolver(EgressPolicy policy) {
      this.policy = policy;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      return checked(host, -1).stream().map(InetSocketAddress::getAddress).toArray(InetAddress[]::new);
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
      return checked(host, port);
    }

    private List<InetSocketAddress> checked(String host, int port) throws UnknownHostException {
      String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      InetAddress[] all = InetAddress.getAllByName(bare);
      List<InetSocketAddress> out = new ArrayList<>(all.length);
      for (InetAddress a : all) {
        String why = policy.denied(a, port);
        if (why != null) {
          throw new EgressDeniedException("denied by this node's egress policy: " + host + " is " + why
              + "; an operator may allow a range with [workers] egress_allow");
        }
        out.add(new InetSocketAddress(a, Math.max(port, 0)));
      }
      return out;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
      return host;
    }
  }
}
