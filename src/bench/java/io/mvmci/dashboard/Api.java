package io.mvmci.dashboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** A node's HTTP API for the dashboard benches: JSON calls and timed GETs. */
final class Api {
  static final ObjectMapper JSON = JsonMapper.builder().build();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  final String base;

  Api(String base) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  int post(String path, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Milliseconds from the request to the last byte of a 200 answer. */
  double timedGet(String path) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    double ms = (System.nanoTime() - t0) / 1e6;
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + ": " + r.statusCode());
    }
    return ms;
  }

  /** p50, p95, p99 and max of a sample, nearest rank. */
  static String summary(double[] ms) {
    double[] s = ms.clone();
    Arrays.sort(s);
    return String.format("p50 %6.2f  p95 %6.2f  p99 %6.2f  max %7.2f ms  (n=%d)", at(s, 50), at(s, 95), at(s, 99),
        s[s.length - 1], s.length);
  }

  static double at(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
