package io.mvmci.faults;

import io.mvmci.faults.History.Outcome;
import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http;
import io.mvmci.testing.NodeProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Clients against every node at once: submissions of {@code sequence} jobs (each with its own
 * Idempotency-Key, sent again to another node when the answer was lost), cancellations, and reads
 * of each job's events and of the job itself, all recorded in the {@link History}. Each job calls
 * its own paths on the counting server ({@code /fx/KEY/I}), by POST (not idempotent: never sent
 * twice) or by GET (idempotent: may be sent again if it was in flight when its worker died).
 */
final class Workload {
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static final int URLS = 2;

  /** What a job was asked to do, by its Idempotency-Key. */
  record Job(String key, String method, List<String> paths) {}

  private final List<NodeProcess> nodes;
  private final CountingServer web;
  private final History history;
  private final long seed;
  final Map<String, Job> jobs = new ConcurrentHashMap<>();
  /** Idempotency-Key to the job id its submission got, once one answered. */
  final Map<String, String> ids = new ConcurrentHashMap<>();
  private final List<String> unanswered = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  Workload(List<NodeProcess> nodes, CountingServer web, History history, long seed) {
    this.nodes = nodes;
    this.web = web;
    this.history = history;
    this.seed = seed;
  }

  void start(int clients) {
    running = true;
    for (int p = 0; p < clients; p++) {
      int process = p;
      Thread t = new Thread(() -> loop(process, new Random(seed * 31 + process)), "client-" + p);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Stops submitting and cancelling; waits for the clients' last answers. */
  void stop() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(TIMEOUT.toMillis() * 3);
    }
  }

  /** Submits again, to a node chosen in turn, every job whose submission has no answer yet. */
  void settleUnanswered() {
    int p = 1000;
    for (String key : List.copyOf(unanswered)) {
      for (int tries = 0; tries < 20 && !ids.containsKey(key); tries++) {
        submit(p, nodes.get(tries % nodes.size()), key);
      }
    }
  }

  private void loop(int process, Random random) {
    int n = 0;
    while (running) {
      NodeProcess via = nodes.get(random.nextInt(nodes.size()));
      int dice = random.nextInt(100);
      List<String> known = new ArrayList<>(ids.keySet());
      if (dice < 30 || known.isEmpty()) {
        String key = unanswered.isEmpty() || random.nextBoolean() ? newJob(process, n++, random)
            : unanswered.get(random.nextInt(unanswered.size()));
        submit(process, via, key);
      } else if (dice < 38) {
        cancel(process, via, known.get(random.nextInt(known.size())));
      } else if (dice < 80) {
        read(process, via, recent(known, random));
      } else {
        view(process, via, recent(known, random));
      }
    }
  }

  /** Mostly recent jobs, which are still changing. */
  private static String recent(List<String> known, Random random) {
    known.sort(null);
    int from = random.nextInt(4) == 0 ? 0 : Math.max(0, known.size() - 20);
    return known.get(from + random.nextInt(known.size() - from));
  }

  private String newJob(int process, int n, Random random) {
    String key = "fx-" + seed + "-" + process + "-" + n;
    String method = random.nextBoolean() ? "POST" : "GET";
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < URLS; i++) {
      paths.add("/fx/" + key + "/" + i);
    }
    jobs.put(key, new Job(key, method, paths));
    unanswered.add(key);
    return key;
  }

  void submit(int process, NodeProcess via, String key) {
    Job job = jobs.get(key);
    String body = "{\"workflow\":\"sequence\",\"max_attempts\":50,\"input\":{\"sleep_ms\":100,\"method\":\""
        + job.method() + "\",\"idempotent\":" + job.method().equals("GET") + ",\"urls\":["
        + job.paths().stream().map(p -> "\"" + web.url(p) + "\"").collect(Collectors.joining(",")) + "]}}";
    long t = history.now();
    try {
      Http.Reply r = Http.send(HttpRequest.newBuilder(URI.create(via.url("/api/v1/jobs")))
          .header("Content-Type", "application/json").header("Idempotency-Key", key)
          .POST(HttpRequest.BodyPublishers.ofString(body)), TIMEOUT);
      if (r.status() == 201 || r.status() == 200) {
        String id = r.json().get("job_id").asString();
        String before = ids.putIfAbsent(key, id);
        unanswered.remove(key);
        history.add(process, "submit", key, via.id, t, Outcome.OK, id, r.json().get("status").asString(), 0, 0, null,
            (r.status() == 201 ? "created" : "replayed") + (before != null && !before.equals(id)
                ? "; DIFFERENT ID, first was " + before : ""));
      } else {
        history.add(process, "submit", key, via.id, t, r.status() >= 500 ? Outcome.UNKNOWN : Outcome.FAIL, null, null,
            0, 0, null, r.status() + " " + brief(r.body()));
      }
    } catch (RuntimeException e) {
      history.add(process, "submit", key, via.id, t, Outcome.UNKNOWN, null, null, 0, 0, null, brief(e.toString()));
    }
  }

  private void cancel(int process, NodeProcess via, String key) {
    String id = ids.get(key);
    long t = history.now();
    try {
      Http.Reply r = Http.send(HttpRequest.newBuilder(URI.create(via.url("/api/v1/jobs/" + id + "/cancel")))
          .POST(HttpRequest.BodyPublishers.noBody()), TIMEOUT);
      Outcome o = r.status() == 200 ? Outcome.OK : r.status() == 409 ? Outcome.FAIL : Outcome.UNKNOWN;
      history.add(process, "cancel", key, via.id, t, o, id, o == Outcome.OK ? "Cancelled" : null, 0, 0, null,
          r.status() == 200 ? null : r.status() + " " + brief(r.body()));
    } catch (RuntimeException e) {
      history.add(process, "cancel", key, via.id, t, Outcome.UNKNOWN, id, null, 0, 0, null, brief(e.toString()));
    }
  }

  private void read(int process, NodeProcess via, String key) {
    String id = ids.get(key);
    long t = history.now();
    try {
      Http.Reply r = Http.send(HttpRequest.newBuilder(URI.create(via.url("/api/v1/jobs/" + id + "/events"))).GET(),
          TIMEOUT);
      if (r.status() == 200) {
        JsonNode events = r.json().get("events");
        String last = events.isEmpty() ? "none" : events.get(events.size() - 1).get("status").asString();
        history.add(process, "read", key, via.id, t, Outcome.OK, id, last, events.size(), 0, null, null);
      } else if (r.status() == 404) {
        history.add(process, "read", key, via.id, t, Outcome.OK, id, "absent", 0, 0, null, null);
      } else {
        history.add(process, "read", key, via.id, t, Outcome.UNKNOWN, id, null, 0, 0, null,
            r.status() + " " + brief(r.body()));
      }
    } catch (RuntimeException e) {
      history.add(process, "read", key, via.id, t, Outcome.UNKNOWN, id, null, 0, 0, null, brief(e.toString()));
    }
  }

  private void view(int process, NodeProcess via, String key) {
    String id = ids.get(key);
    long t = history.now();
    try {
      Http.Reply r = Http.send(HttpRequest.newBuilder(URI.create(via.url("/api/v1/jobs/" + id))).GET(), TIMEOUT);
      if (r.status() == 200) {
        JsonNode j = r.json();
        JsonNode worker = j.get("worker_id");
        history.add(process, "view", key, via.id, t, Outcome.OK, id, j.get("status").asString(), 0,
            j.get("attempt").asInt(), worker == null || worker.isNull() ? null : worker.asString(), null);
      } else {
        history.add(process, "view", key, via.id, t, Outcome.UNKNOWN, id, null, 0, 0, null, String.valueOf(r.status()));
      }
    } catch (RuntimeException e) {
      history.add(process, "view", key, via.id, t, Outcome.UNKNOWN, id, null, 0, 0, null, brief(e.toString()));
    }
  }

  static String brief(String s) {
    String one = s == null ? "" : s.replaceAll("\\s+", " ");
    return one.length() > 160 ? one.substring(0, 160) + "..." : one;
  }
}
