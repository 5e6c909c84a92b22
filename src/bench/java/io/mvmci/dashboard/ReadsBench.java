package io.mvmci.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard's reads at scale: fills a node up to N retained jobs through the API (batches of a
 * thousand: 98 % no-op jobs its workers complete, 1 % pipeline jobs that fail at once, 1 % delayed ones
 * left Pending; 10 % of the no-op jobs require label {@code linux}, half of them with {@code x86} too,
 * and one job in every hundredth batch requires {@code gpu}, so 10 jobs in 10^6: the node's workers
 * have all three), then times the reads behind the jobs page (first page, a deep page, filtered pages, a
 * search by id) and the overview (each of its calls, and all of them in turn). Run by
 * scripts/bench-reads.sh; a node that already holds N jobs is only measured.
 *
 *   ReadsBench URL [jobs (1000000)] [requests per read (300)]
 */
public final class ReadsBench {
  public static void main(String[] args) throws Exception {
    Api api = new Api(args[0]);
    long target = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 300;
    fill(api, target);
    measure(api, n, target);
  }

  /** A batch of a thousand jobs; {@code rare}: one of them requires label gpu. */
  static String batch(boolean rare) {
    StringBuilder b = new StringBuilder("{\"jobs\":[");
    for (int i = 0; i < 1000; i++) {
      b.append(i == 0 ? "" : ",");
      if (rare && i == 500) {
        b.append("{\"workflow\":\"noop\",\"labels\":[\"gpu\"]}");
      } else if (i % 20 == 3) {
        b.append("{\"workflow\":\"noop\",\"labels\":[\"linux\"]}");
      } else if (i % 20 == 13) {
        b.append("{\"workflow\":\"noop\",\"labels\":[\"linux\",\"x86\"]}");
      } else if (i % 100 == 7) {
        b.append("{\"workflow\":\"pipeline\",\"max_attempts\":1,\"input\":{\"steps\":[{\"name\":\"down\",")
            .append("\"url\":\"http://127.0.0.1:9/\",\"retries\":0}]}}");
      } else if (i % 100 == 42) {
        b.append("{\"workflow\":\"noop\",\"delay_ms\":86400000}");
      } else {
        b.append("{\"workflow\":\"noop\"}");
      }
    }
    return b.append("]}").toString();
  }

  static void fill(Api api, long target) throws Exception {
    long have = api.get("/queue/stats").get("total").asLong();
    if (have >= target) {
      System.out.printf("the node holds %,d jobs already%n", have);
      return;
    }
    long batches = (target - have + 999) / 1000;
    System.out.printf("submitting %,d jobs in %,d batches of 1,000 ...%n", batches * 1000, batches);
    String body = batch(false);
    String rare = batch(true);
    AtomicLong next = new AtomicLong();
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      done.add(pool.submit(() -> {
        long i;
        while ((i = next.getAndIncrement()) < batches) {
          int status = api.post("/api/v1/jobs/batch", i % 100 == 0 ? rare : body);
          if (status != 201) {
            throw new IllegalStateException("batch answered " + status);
          }
          if (i % 50 == 0) {
            System.out.printf("  %,d submitted%n", i * 1000);
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    System.out.printf("submitted in %.0f s; waiting for the workers ...%n", (System.nanoTime() - t0) / 1e9);
    while (true) {
      JsonNode s = api.get("/queue/stats");
      long busy = s.get("InProgress").asLong() + s.get("Retrying").asLong();
      long pending = s.get("Pending").asLong();
      if (busy == 0 && pending <= s.get("total").asLong() / 100 + 1) {
        System.out.printf("settled after %.0f s: %s%n", (System.nanoTime() - t0) / 1e9, s);
        return;
      }
      Thread.sleep(5_000);
      System.out.printf("  pending %,d, running %,d%n", pending, busy);
    }
  }

  static void measure(Api api, int n, long target) throws Exception {
    JsonNode stats = api.get("/queue/stats");
    long total = stats.get("total").asLong();
    String deep = api.get("/api/v1/jobs?order=desc&limit=50").get("next_cursor").asString();
    String mid = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(("v1:" + total / 2).getBytes());
    long someJob = total / 3;
    List<String[]> reads = List.of(
        new String[] {"jobs page, first page (newest 50)", "/api/v1/jobs?order=desc&limit=50"},
        new String[] {"jobs page, next page", "/api/v1/jobs?order=desc&limit=50&cursor=" + deep},
        new String[] {"jobs page, a page in the middle", "/api/v1/jobs?order=desc&limit=50&cursor=" + mid},
        new String[] {"filtered: status=Failed", "/api/v1/jobs?order=desc&limit=50&status=Failed"},
        new String[] {"filtered: workflow=pipeline", "/api/v1/jobs?order=desc&limit=50&workflow=pipeline"},
        new String[] {"filtered: status=Completed, workflow=noop", "/api/v1/jobs?order=desc&limit=50&status=Completed&workflow=noop"},
        new String[] {"filtered: status=Pending,Failed", "/api/v1/jobs?order=desc&limit=50&status=Pending,Failed"},
        new String[] {"filtered: label=gpu (10 jobs in 10^6)", "/api/v1/jobs?order=desc&limit=50&label=gpu"},
        new String[] {"filtered: label=linux (10 %, two sets)", "/api/v1/jobs?order=desc&limit=50&label=linux"},
        new String[] {"filtered: label=linux, next page", "/api/v1/jobs?order=desc&limit=50&label=linux&cursor=" + deep},
        new String[] {"filtered: status=Failed&label=gpu", "/api/v1/jobs?order=desc&limit=50&status=Failed&label=gpu"},
        new String[] {"filtered: status=Completed&label=linux", "/api/v1/jobs?order=desc&limit=50&status=Completed&label=linux"},
        new String[] {"search by id", "/api/v1/jobs?order=desc&limit=50&job=job-" + someJob},
        new String[] {"overview: counts", "/api/v1/stats?consistency=local"},
        new String[] {"overview: throughput", "/api/v1/stats/throughput?minutes=60&step=10"},
        new String[] {"overview: cluster", "/api/v1/cluster?members=true"},
        new String[] {"overview: workers", "/api/v1/workers?consistency=local"},
        new String[] {"job detail", "/api/v1/jobs/job-" + someJob},
        new String[] {"job timeline", "/api/v1/jobs/job-" + someJob + "/events"},
        new String[] {"modules (with usage)", "/api/v1/modules"},
        new String[] {"/queue/stats", "/queue/stats"},
        new String[] {"/actuator/prometheus", "/actuator/prometheus"});
    System.out.printf("%nreads with %,d retained jobs (%s), %d requests each after 30 to warm up,%n"
        + "time to the last byte at a client on loopback (keep-alive, one at a time):%n", total, stats, n);
    for (String[] r : reads) {
      for (int i = 0; i < 30; i++) {
        api.timedGet(r[1]);
      }
      double[] ms = new double[n];
      for (int i = 0; i < n; i++) {
        ms[i] = api.timedGet(r[1]);
      }
      System.out.printf("  %-44s %s%n", r[0], Api.summary(ms));
    }
    int overview = 13; // the index of "overview: counts"
    double[] four = new double[n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 4; k++) {
        four[i] += api.timedGet(reads.get(overview + k)[1]);
      }
    }
    System.out.printf("  %-44s %s%n", "overview: its four reads, one after another", Api.summary(four));
  }
}
