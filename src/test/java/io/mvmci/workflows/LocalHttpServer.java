package io.mvmci.workflows;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 with scripted routes, for running workflows against. It
 * counts the requests per path and query ("target"), as the Node harness's server does, so a
 * test can give each case its own counter with a query string, and keeps every request it got.
 * A path without a route answers 404 "not found".
 */
final class LocalHttpServer implements AutoCloseable {

  /** A request as the server received it; header names lower case. */
  record Request(String method, String target, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** An answer: status, headers, body (UTF-8). */
  record Reply(int status, Map<String, String> headers, String body) {
    static Reply of(int status) {
      return new Reply(status, Map.of(), "");
    }

    static Reply html(String body) {
      return new Reply(200, Map.of("content-type", "text/html; charset=utf-8"), body);
    }

    static Reply redirect(int status, String location) {
      return new Reply(status, Map.of("location", location), "");
    }
  }

  /** Answers the {@code hit}-th request (from 1) for its path and query. */
  @FunctionalInterface
  interface Route {
    Reply answer(Request request, int hit);
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  LocalHttpServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  LocalHttpServer route(String path, Route route) {
    routes.put(path, route);
    return this;
  }

  /** The absolute URL of a target such as {@code /page?k=1}. */
  String url(String target) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + target;
  }

  /** How many requests arrived for this path and query. */
  int hits(String target) {
    AtomicInteger n = hits.get(target);
    return n == null ? 0 : n.get();
  }

  /** Every request received, in order of arrival. */
  List<Request> requests() {
    return List.copyOf(requests);
  }

  /** A URL on 127.0.0.1 on which nothing listens. */
  static String closedPortUrl() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort() + "/";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String target = exchange.getRequestURI().getRawPath()
          + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
      Map<String, String> headers = new java.util.TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(", ", v)));
      Request request = new Request(exchange.getRequestMethod(), target, Map.copyOf(headers),
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      int hit = hits.computeIfAbsent(target, t -> new AtomicInteger()).incrementAndGet();
      requests.add(request);
      Route route = routes.get(exchange.getRequestURI().getRawPath());
      Reply reply = route == null ? new Reply(404, Map.of(), "not found") : route.answer(request, hit);
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
