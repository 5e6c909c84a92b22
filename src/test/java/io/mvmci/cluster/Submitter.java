package io.mvmci.cluster;

import io.mvmci.testing.Http;
import io.mvmci.testing.NodeProcess;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Background load for a failover: threads that submit jobs round-robin to every node, dead or alive,
 * and record every acknowledgement (HTTP 201) with the job id the cluster gave and the url it was
 * sent with, which is unique per submission.
 */
final class Submitter implements AutoCloseable {
  /** An acknowledged job: the cluster promised it is committed. */
  record Ack(String jobId, String url, int node, long atNanos) {}

  private final List<NodeProcess> nodes;
  private final List<Thread> threads = new ArrayList<>();
  private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
  /** Outcomes other than 201, by kind (status code or exception), for the report. */
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  private volatile boolean running = true;

  /** What thread {@code t} submits as its {@code n}th job's url; unique per (t, n). */
  interface Urls {
    String url(int thread, int n);
  }

  private final Urls urls;

  Submitter(List<NodeProcess> nodes, int threadCount) {
    this(nodes, threadCount, (t, n) -> "https://example.com/acked/" + t + "/" + n);
  }

  /** Each thread waits this long after each submission: a steady rate rather than all it can. */
  private final long pauseMillis;

  Submitter(List<NodeProcess> nodes, int threadCount, Urls urls) {
    this(nodes, threadCount, urls, 0);
  }

  Submitter(List<NodeProcess> nodes, int threadCount, Urls urls, long pauseMillis) {
    this.nodes = nodes;
    this.urls = urls;
    this.pauseMillis = pauseMillis;
    for (int t = 0; t < threadCount; t++) {
      int me = t;
      Thread th = new Thread(() -> loop(me), "submitter-" + t);
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
  }

  private void loop(int me) {
    for (int n = 0; running; n++) {
      List<NodeProcess> now = List.copyOf(nodes); // the caller may change a concurrent list as members come and go
      NodeProcess via = now.get((me + n) % now.size());
      String url = urls.url(me, n);
      try {
        Http.Reply r = Http.post(via.url("/new-job"), "application/x-www-form-urlencoded", "url=" + url);
        if (r.status() == 201) {
          acks.add(new Ack(r.json().get("job_id").asString(), url, via.id, System.nanoTime()));
        } else {
          count("HTTP " + r.status());
        }
      } catch (UncheckedIOException e) {
        count(e.getCause().getClass().getSimpleName());
      }
      if (pauseMillis > 0) {
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void count(String kind) {
    failures.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
  }

  List<Ack> acks() {
    return List.copyOf(acks);
  }

  long acksAfter(long nanos) {
    return acks.stream().filter(a -> a.atNanos() > nanos).count();
  }

  Map<String, AtomicInteger> failures() {
    return failures;
  }

  /** Stops submitting and waits for the requests in flight to end. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(60_000);
    }
  }
}
