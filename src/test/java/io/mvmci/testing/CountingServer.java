package io.mvmci.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server that counts the requests for each path, so tests can prove side effects
 * happened exactly once. Every path answers an HTML page whose title is the path; a path under
 * {@code /slow/} holds each request until {@link #release} is called for it (or 60 s).
 */
public final class CountingServer implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();

  public CountingServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      if (path.startsWith("/slow/")) {
        try {
          holds.computeIfAbsent(path, k -> new CountDownLatch(1)).await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] body = ("<!doctype html><html><head><title>" + path + "</title></head><body>"
          + "<a href=\"/next\">next</a> <a href=\"https://example.org/x\">x</a></body></html>")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public int hits(String path) {
    AtomicInteger n = hits.get(path);
    return n == null ? 0 : n.get();
  }

  /** Every path requested so far, with its count. */
  public Map<String, Integer> allHits() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    hits.forEach((path, n) -> out.put(path, n.get()));
    return out;
  }

  /** Lets held requests for {@code path} (and later ones) answer. */
  public void release(String path) {
    holds.computeIfAbsent(path, k -> new CountDownLatch(1)).countDown();
  }

  @Override
  public void close() {
    holds.values().forEach(CountDownLatch::countDown);
    server.stop(0);
  }
}
