package io.mvmci.dashboard;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of many live subscribers on one node: submit throughput (C clients posting single jobs to
 * {@code /api/v1/jobs} for S seconds, workers off, so each submission is one change every subscriber
 * hears) without subscribers, then with K subscribers to {@code /api/v1/events} (unfiltered: each hears
 * every change), then without again; and the node's memory (heap after a full GC, and resident set)
 * before and after opening the K streams, per subscriber. The subscribers read asynchronously (no
 * thread each) in this JVM, which shares the machine's cores with the node. Run by
 * scripts/bench-sse.sh.
 *
 *   StreamsBench URL NODE_PID [subscribers (1000)] [seconds (20)] [clients (16)] [query (none)]
 *
 * With a query (such as {@code job=job-999999999}), the subscribers filter: each hears only its own
 * job's changes, as a dashboard's job page does.
 */
public final class StreamsBench {
  public static void main(String[] args) throws Exception {
    Api api = new Api(args[0]);
    long pid = Long.parseLong(args[1]);
    int subscribers = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    int clients = args.length > 4 ? Integer.parseInt(args[4]) : 16;
    String query = args.length > 5 && !args[5].isBlank() ? "?" + args[5] : "";

    submit(api, clients, 15); // warm up
    long[] n = new long[1];
    double cpu0 = cpuSeconds(pid);
    double before = submit(api, clients, seconds, n);
    double cpuBefore = (cpuSeconds(pid) - cpu0) * 1000 / n[0];
    System.out.printf("submit throughput, no subscriber:        %,8.0f jobs/s, node CPU %.3f ms a job%n", before, cpuBefore);
    long[] idle = memory(pid);

    AtomicLong events = new AtomicLong();
    List<Counting> streams = new ArrayList<>();
    for (int i = 0; i < subscribers; i++) {
      Counting c = new Counting(events);
      streams.add(c);
      api.http.sendAsync(HttpRequest.newBuilder(URI.create(api.base + "/api/v1/events" + query)).GET()
          .build(), HttpResponse.BodyHandlers.fromLineSubscriber(c));
      if (i % 100 == 99) {
        Thread.sleep(200);
      }
    }
    awaitStreams(api, subscribers);
    long[] open = memory(pid);
    System.out.printf("%,d subscribers open: heap after GC %+.1f MiB (%.1f KiB each), resident %+.1f MiB (%.1f KiB each)%n",
        subscribers, (open[0] - idle[0]) / 1048576.0, (open[0] - idle[0]) / 1024.0 / subscribers,
        (open[1] - idle[1]) / 1048576.0, (open[1] - idle[1]) / 1024.0 / subscribers);

    long e0 = events.get();
    long[] submitted = {0};
    double cpu1 = cpuSeconds(pid);
    double with = submit(api, clients, seconds, submitted);
    Thread.sleep(2_000);
    double cpuWith = (cpuSeconds(pid) - cpu1) * 1000 / submitted[0];
    long heard = events.get() - e0;
    System.out.printf("submit throughput, %,d subscribers:   %,8.0f jobs/s (%+.1f %%), node CPU %.3f ms a job; the"
        + " subscribers heard %,d job events, %.2f per subscriber per submission%n", subscribers, with,
        (with / before - 1) * 100, cpuWith, heard, heard / (double) subscribers / Math.max(1, submitted[0]));
    streams.forEach(Counting::cancel);
    Thread.sleep(3_000);
    double cpu2 = cpuSeconds(pid);
    double after = submit(new Api(args[0]), clients, seconds, n);
    System.out.printf("submit throughput, subscribers gone:     %,8.0f jobs/s, node CPU %.3f ms a job%n", after,
        (cpuSeconds(pid) - cpu2) * 1000 / n[0]);
    System.exit(0);
  }

  static void awaitStreams(Api api, int n) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      String text = new String(api.http.send(HttpRequest.newBuilder(URI.create(api.base + "/actuator/prometheus")).GET()
          .build(), HttpResponse.BodyHandlers.ofByteArray()).body());
      for (String line : text.split("\n")) {
        if (line.startsWith("mvmci_live_streams ") && Double.parseDouble(line.substring(19).strip()) >= n) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the node did not report " + n + " open streams within a minute");
  }

  static double submit(Api api, int clients, int seconds) throws Exception {
    return submit(api, clients, seconds, new long[1]);
  }

  /** Jobs per second that {@code clients} threads submit one at a time for {@code seconds}. */
  static double submit(Api api, int clients, int seconds, long[] count) throws Exception {
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(() -> {
        try {
          while (System.nanoTime() < end) {
            if (api.post("/api/v1/jobs", "{\"workflow\":\"noop\"}") == 201) {
              done.incrementAndGet();
            }
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    count[0] = done.get();
    return done.get() / (double) seconds;
  }

  /** The node's CPU time so far (user and system), from /proc. */
  static double cpuSeconds(long pid) throws Exception {
    String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks
  }

  /** The node's heap used after a full GC, and its resident set, in bytes. */
  static long[] memory(long pid) throws Exception {
    run("jcmd", Long.toString(pid), "GC.run");
    Thread.sleep(1_000);
    String heap = run("jcmd", Long.toString(pid), "GC.heap_info");
    long used = 0;
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(heap);
    while (m.find()) {
      used += Long.parseLong(m.group(1)) * 1024; // young, old (serial/parallel) or the region total (G1)
      if (heap.contains("garbage-first")) {
        break;
      }
    }
    String status = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/status"));
    java.util.regex.Matcher rss = java.util.regex.Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(status);
    return new long[] {used, rss.find() ? Long.parseLong(rss.group(1)) * 1024 : -1};
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  /** Counts the job events of a stream as its lines arrive. */
  static final class Counting implements Flow.Subscriber<String> {
    private final AtomicLong events;
    private volatile Flow.Subscription subscription;

    Counting(AtomicLong events) {
      this.events = events;
    }

    void cancel() {
      if (subscription != null) {
        subscription.cancel();
      }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (line.equals("event: job")) {
        events.incrementAndGet();
      }
    }

    @Override
    public void onError(Throwable t) {
    }

    @Override
    public void onComplete() {
    }
  }
}
