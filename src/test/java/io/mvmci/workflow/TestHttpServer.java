package io.mvmci.workflow;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server that counts the requests it receives per path. By default it answers
 * 200 "hello from PATH" with two x-test headers; a path can be told to hang, or to hang only
 * the first time, until the server closes.
 */
final class TestHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final Map<String, Integer> hangFirst = new ConcurrentHashMap<>();
  private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
  private final Map<String, String> lastBodies = new ConcurrentHashMap<>();
  private final Map<String, String> lastMethods = new ConcurrentHashMap<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  TestHttpServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  int count(String path) {
    return counts.computeIfAbsent(path, p -> new AtomicInteger()).get();
  }

  String lastBody(String path) {
    return lastBodies.get(path);
  }

  String lastMethod(String path) {
    return lastMethods.get(path);
  }

  /** Requests to {@code path} never get an answer (until the server closes). */
  void hang(String path) {
    hangFirst.put(path, Integer.MAX_VALUE);
  }

  /** The first {@code n} requests to {@code path} never get an answer; later ones do. */
  void hangFirst(String path, int n) {
    hangFirst.put(path, n);
  }

  void respond(String path, byte[] body) {
    bodies.put(path, body);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    int n = counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    lastBodies.put(path, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    lastMethods.put(path, exchange.getRequestMethod());
    if (n <= hangFirst.getOrDefault(path, 0)) {
      try {
        closing.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    int status = path.startsWith("/status/") ? Integer.parseInt(path.substring(8)) : 200;
    byte[] body = bodies.getOrDefault(path, ("hello from " + path).getBytes(StandardCharsets.UTF_8));
    exchange.getResponseHeaders().add("X-Test", "a");
    exchange.getResponseHeaders().add("X-Test", "b");
    exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
