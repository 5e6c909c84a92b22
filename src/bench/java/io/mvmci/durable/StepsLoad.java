package io.mvmci.durable;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mvm-ci side of scripts/bench-steps.sh, the twin of Restate's load.js in ../shared/peers/restate:
 * JOBS jobs of the {@code steps} workflow (STEPS durable steps each), CONCURRENCY at a time, each
 * submitted and then awaited ({@code GET /api/v1/jobs/{id}?wait_ms=}), the clients spread over the
 * nodes. Prints one JSON line with the same fields as load.js.
 *
 * <pre>java ... io.mvmci.durable.StepsLoad URL[,URL...] STEPS JOBS CONCURRENCY</pre>
 */
public final class StepsLoad {
  private StepsLoad() {}

  public static void main(String[] args) throws Exception {
    String[] bases = args[0].split(",");
    int steps = Integer.parseInt(args[1]);
    int jobs = Integer.parseInt(args[2]);
    int concurrency = Integer.parseInt(args[3]);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    AtomicInteger next = new AtomicInteger();
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    ExecutorService clients = Executors.newFixedThreadPool(concurrency);
    long t0 = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      String base = bases[c % bases.length];
      running.add(clients.submit(() -> {
        while (next.getAndIncrement() < jobs) {
          long s = System.nanoTime();
          String id = submit(http, base, steps);
          await(http, base, id);
          latencies.add((System.nanoTime() - s) / 1e6);
        }
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    clients.shutdown();
    List<Double> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    int done = sorted.size();
    System.out.printf(Locale.ROOT, "{\"jobs\":%d,\"steps\":%d,\"conc\":%d,\"secs\":%.2f,\"jobs_per_s\":%.1f,"
        + "\"steps_per_s\":%.1f,\"p50_ms\":%.2f,\"p99_ms\":%.2f}%n", done, steps, concurrency, secs, done / secs,
        done * (double) steps / secs, sorted.get((int) (done * 0.5)), sorted.get((int) (done * 0.99)));
  }

  private static String submit(HttpClient http, String base, int steps) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"workflow\":\"steps\",\"max_attempts\":1,\"input\":{\"steps\":" + steps + "}}"))
        .build();
    HttpResponse<String> answer = http.send(r, HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 201) {
      throw new IllegalStateException("submit answered " + answer.statusCode() + ": " + answer.body());
    }
    String body = answer.body();
    int at = body.indexOf("\"job_id\":\"") + 10;
    return body.substring(at, body.indexOf('"', at));
  }

  private static void await(HttpClient http, String base, String id) throws Exception {
    while (true) {
      HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + id + "?wait_ms=30000")).GET()
          .timeout(Duration.ofSeconds(40)).build();
      String body = http.send(r, HttpResponse.BodyHandlers.ofString()).body();
      if (body.contains("\"status\":\"Completed\"")) {
        return;
      }
      if (body.contains("\"status\":\"Failed\"") || body.contains("\"status\":\"Cancelled\"")) {
        throw new IllegalStateException(id + " did not complete: " + body);
      }
    }
  }
}
