package io.mvmci.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server on 127.0.0.1 that counts and keeps every request, so tests can prove side
 * effects happened exactly once: the test HTTP server of every suite (nodes, workers, the engine,
 * the shipped workflows).
 *
 * <ul>
 *   <li>Requests are counted per target, the path and query as sent ({@code /page?k=1}); a test can
 *       give each case its own counter with a query string.
 *   <li>A path answers by its {@link #route}, else by the {@link #fallback}: by default {@link #PAGE},
 *       an HTML page whose title is the path.
 *   <li>A request is held, unanswered, while its path is held: every path under {@code /slow/}, and
 *       any path given to {@link #hold} or {@link #holdFirst}. {@link #release} lets it answer;
 *       {@link #close} drops it without an answer.
 * </ul>
 */
public final class CountingServer implements AutoCloseable {
  /** A request as the server received it; header names lower case, body as UTF-8. */
  public record Request(String method, String target, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The target without its query. */
    public String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }
  }

  /** An answer: status, headers (a name may have several values), body. */
  public record Reply(int status, Map<String, List<String>> headers, byte[] body) {
    /** One value per header, a UTF-8 body. */
    public Reply(int status, Map<String, String> headers, String body) {
      this(status, single(headers), body.getBytes(StandardCharsets.UTF_8));
    }

    public static Reply of(int status) {
      return new Reply(status, Map.of(), "");
    }

    public static Reply html(String body) {
      return new Reply(200, Map.of("content-type", "text/html; charset=utf-8"), body);
    }

    public static Reply text(byte[] body) {
      return new Reply(200, Map.of("Content-Type", List.of("text/plain; charset=utf-8")), body);
    }

    public static Reply redirect(int status, String location) {
      return new Reply(status, Map.of("location", location), "");
    }

    private static Map<String, List<String>> single(Map<String, String> headers) {
      Map<String, List<String>> out = new TreeMap<>();
      headers.forEach((k, v) -> out.put(k, List.of(v)));
      return out;
    }
  }

  /** Answers the {@code hit}-th request (from 1) for its target. */
  @FunctionalInterface
  public interface Route {
    Reply answer(Request request, int hit);
  }

  /** An HTML page whose title is the path, with a relative and an absolute link. */
  public static final Route PAGE = (r, hit) -> Reply.html("<!doctype html><html><head><title>" + r.path()
      + "</title></head><body><a href=\"/next\">next</a> <a href=\"https://example.org/x\">x</a></body></html>");

  /**
   * {@code hello from <path>} as text, with the header {@code X-Test} twice ({@code a}, {@code b});
   * a path {@code /status/<code>} answers that status.
   */
  public static final Route HELLO = (r, hit) -> new Reply(
      r.path().startsWith("/status/") ? Integer.parseInt(r.path().substring(8)) : 200,
      Map.of("X-Test", List.of("a", "b"), "Content-Type", List.of("text/plain; charset=utf-8")),
      ("hello from " + r.path()).getBytes(StandardCharsets.UTF_8));

  /** How long a held request waits at most, should a test neither release it nor close the server. */
  private static final long HOLD_MINUTES = 2;

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  /** Path to how many of its first requests are held; absent: none (but see /slow/). */
  private final Map<String, Integer> held = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> releases = new ConcurrentHashMap<>();
  private volatile Route fallback = PAGE;
  private volatile boolean closing;

  /** When each request arrived (System.currentTimeMillis()), per target. */
  private final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();

  public CountingServer() {
    this(InetAddress.getLoopbackAddress());
  }

  /** On {@code bind} (say, a bridge address that nodes in network namespaces reach) and a free port. */
  public CountingServer(InetAddress bind) {
    try {
      server = HttpServer.create(new InetSocketAddress(bind, 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Answers requests for {@code path} (whatever their query) with {@code route}. */
  public CountingServer route(String path, Route route) {
    routes.put(path, route);
    return this;
  }

  /** Answers paths without a route with {@code route} instead of {@link #PAGE}. */
  public CountingServer fallback(Route route) {
    this.fallback = route;
    return this;
  }

  /** Holds every request for {@code path} until {@link #release} (or close). */
  public CountingServer hold(String path) {
    return holdFirst(path, Integer.MAX_VALUE);
  }

  /** Holds the first {@code n} requests for {@code path} until {@link #release} (or close); later ones answer. */
  public CountingServer holdFirst(String path, int n) {
    held.put(path, n);
    return this;
  }

  /** Lets held requests for {@code path} (and later ones) answer. */
  public void release(String path) {
    latch(path).countDown();
  }

  /** The port it listens on, on 127.0.0.1. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The absolute URL of a target such as {@code /page?k=1}. */
  public String url(String target) {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort()
        + target;
  }

  /** How many requests arrived for this target (path and query, as sent). */
  public int hits(String target) {
    AtomicInteger n = hits.get(target);
    return n == null ? 0 : n.get();
  }

  /** Every target requested so far, with its count. */
  public Map<String, Integer> allHits() {
    Map<String, Integer> out = new TreeMap<>();
    hits.forEach((target, n) -> out.put(target, n.get()));
    return out;
  }

  /** When each request for this target arrived, in ms since the epoch, in order of arrival. */
  public List<Long> arrivals(String target) {
    return List.copyOf(arrivals.getOrDefault(target, List.of()));
  }

  /** Every request received, in order of arrival. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The latest request for {@code target}; fails if there was none. */
  public Request lastRequest(String target) {
    for (int i = requests.size() - 1; i >= 0; i--) {
      if (requests.get(i).target().equals(target)) {
        return requests.get(i);
      }
    }
    throw new AssertionError("no request for " + target + "; got " + allHits());
  }

  private CountDownLatch latch(String path) {
    return releases.computeIfAbsent(path, p -> new CountDownLatch(1));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      String target = path + (query == null ? "" : "?" + query);
      Map<String, String> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(", ", v)));
      Request request = new Request(exchange.getRequestMethod(), target, Map.copyOf(headers),
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      arrivals.computeIfAbsent(target, t -> new CopyOnWriteArrayList<>()).add(System.currentTimeMillis());
      int hit = hits.computeIfAbsent(target, t -> new AtomicInteger()).incrementAndGet();
      requests.add(request);
      if (path.startsWith("/slow/") || hit <= held.getOrDefault(path, 0)) {
        try {
          latch(path).await(HOLD_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (closing) {
          return; // dropped without an answer
        }
      }
      Reply reply = routes.getOrDefault(path, fallback).answer(request, hit);
      reply.headers().forEach((k, values) -> values.forEach(v -> exchange.getResponseHeaders().add(k, v)));
      exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
      if (reply.body().length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply.body());
        }
      }
    }
  }

  @Override
  public void close() {
    closing = true;
    releases.values().forEach(CountDownLatch::countDown);
    server.stop(0);
    executor.shutdownNow();
  }
}
