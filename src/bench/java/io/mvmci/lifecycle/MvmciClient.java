package io.mvmci.lifecycle;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** The few HTTP calls of mvm-ci's API the benchmark makes. Any unexpected answer throws. */
final class MvmciClient {
  /** A job as the benchmark reads it: times in epoch ms, null when absent. */
  record Job(String id, long seq, String status, int attempt, int failures, Long createdAt, Long startedAt,
      Long finishedAt) {}

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final ObjectMapper json = JsonMapper.builder().build();
  private final List<String> nodes;

  /** @param nodes base URLs, e.g. http://127.0.0.1:3020 */
  MvmciClient(List<String> nodes) {
    this.nodes = nodes;
  }

  int size() {
    return nodes.size();
  }

  /** POST /api/v1/jobs/batch with {@code n} no-op jobs; returns their jobs, in order. */
  List<Job> submitBatch(int node, int n) throws IOException, InterruptedException {
    StringBuilder body = new StringBuilder(n * 24 + 16).append("{\"jobs\":[");
    for (int i = 0; i < n; i++) {
      body.append(i == 0 ? "" : ",").append("{\"workflow\":\"noop\"}");
    }
    body.append("]}");
    JsonNode root = post(node, "/api/v1/jobs/batch", body.toString());
    List<Job> out = new ArrayList<>(n);
    for (JsonNode item : root.get("jobs")) {
      out.add(job(item.get("job")));
    }
    if (out.size() != n) {
      throw new IOException("batch of " + n + " answered with " + out.size() + " jobs");
    }
    return out;
  }

  /** POST /api/v1/jobs with one no-op job. */
  Job submitOne(int node) throws IOException, InterruptedException {
    return job(post(node, "/api/v1/jobs", "{\"workflow\":\"noop\"}"));
  }

  /** GET /api/v1/jobs/{id} (linearizable). */
  Job get(int node, String id) throws IOException, InterruptedException {
    return job(getJson(node, "/api/v1/jobs/" + id));
  }

  /** GET /queue/stats (linearizable): the count of {@code status}. */
  JsonNode stats(int node) throws IOException, InterruptedException {
    return getJson(node, "/queue/stats");
  }

  /**
   * Every job with {@code status}, in submission order, from {@code afterSeq} (exclusive) up to
   * {@code lastSeq}, by keyset pages of 1,000. The cursor is the API's opaque token; the benchmark
   * builds it (base64url of "v1:SEQ") to start in the middle of the history.
   */
  List<Job> page(int node, String status, long afterSeq, long lastSeq) throws IOException, InterruptedException {
    List<Job> out = new ArrayList<>();
    String cursor = afterSeq < 0 ? "" : Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("v1:" + afterSeq).getBytes(StandardCharsets.US_ASCII));
    while (cursor != null) {
      JsonNode page = getJson(node, "/api/v1/jobs?status=" + status + "&limit=1000"
          + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
      for (JsonNode j : page.get("jobs")) {
        Job job = job(j);
        if (job.seq() > lastSeq) {
          return out;
        }
        out.add(job);
      }
      JsonNode next = page.get("next_cursor");
      cursor = next == null || next.isNull() ? null : next.asString();
    }
    return out;
  }

  /** A counter of this node's /actuator/prometheus, summed over its label sets; 0 if absent. */
  double metric(int node, String name) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(node, "/actuator/prometheus"))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    check(r, 200, "/actuator/prometheus");
    double sum = 0;
    for (String line : r.body().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private JsonNode post(int node, String path, String body) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(node, path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    check(r, 201, "POST " + path);
    return json.readTree(r.body());
  }

  private JsonNode getJson(int node, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(node, path))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    check(r, 200, "GET " + path);
    return json.readTree(r.body());
  }

  private URI uri(int node, String path) {
    return URI.create(nodes.get(node) + path);
  }

  private static void check(HttpResponse<String> r, int expected, String what) throws IOException {
    if (r.statusCode() != expected) {
      String body = r.body();
      throw new IOException(what + " answered " + r.statusCode() + ": "
          + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
    }
  }

  private static Job job(JsonNode j) {
    String id = j.get("job_id").asString();
    return new Job(id, Long.parseLong(id.substring(id.indexOf('-') + 1)), j.get("status").asString(),
        j.get("attempt").asInt(), j.get("failures").asInt(), time(j, "created_at"), time(j, "started_at"),
        time(j, "finished_at"));
  }

  private static Long time(JsonNode j, String field) {
    JsonNode t = j.get(field);
    return t == null || t.isNull() ? null : Instant.parse(t.asString()).toEpochMilli();
  }
}
