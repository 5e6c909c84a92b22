package io.mvmci.cluster;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.ProcessCluster;
import io.mvmci.testing.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A run whose worker dies resumes on another worker from its replicated history, and every side
 * effect whose result the guest saw happens once. Three node processes (no embedded workers) and
 * remote worker processes that are killed: at every step boundary of the {@code sequence} workflow
 * in turn (a worker halts, as kill -9 leaves it, at an exact point of a step: the fault-injection
 * environment), and with SIGKILL at random moments, 30 times. A counting HTTP server sees every
 * request.
 */
class WorkerDeathResumeProcessTest {
  static final String JSON = "application/json";
  static final String AUTH = "Bearer " + ClusterConfig.SECRET_API;
  /** A short lease, so a dead worker's job is claimed again quickly. */
  static final String JOBS = "\n[jobs]\nlease_ms = 2000\nheartbeat_ms = 250\nreaper_interval_ms = 200\n";

  static ProcessCluster cluster;
  static CountingServer web;
  static Path workers;

  @BeforeAll
  static void start() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("workflows/testing/sequence/sequence.wasm")),
        "needs workflows/testing/sequence/sequence.wasm, which comes with the guest SDK work (i12-sdk)");
    cluster = ProcessCluster.start("worker-death", 0, JOBS);
    web = new CountingServer();
    workers = cluster.dir.resolve("workers"); // deleted, or kept, with the cluster's directory
    byte[] wasm = Files.readAllBytes(Path.of("workflows/testing/sequence/sequence.wasm"));
    Reply deployed = post(cluster.node(1).url("/api/v1/modules/sequence"), "application/wasm", wasm,
        "Authorization", AUTH);
    assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (web != null) {
      web.close();
    }
  }

  static WorkerProcess worker(String name, String faults) {
    String[] options = {"--control-plane", cluster.nodes.stream().map(n -> n.url("")).collect(Collectors.joining(",")),
        "--token", ClusterConfig.SECRET_API, "--worker-id", name, "--capacity", "1", "--heartbeat-ms", "250",
        "--lease-ms", "2000"};
    return WorkerProcess.start(workers.resolve(name), faults.isEmpty() ? Map.of() : Map.of("MVMCI_FAULT_HALT_AT", faults),
        options);
  }

  static String submit(List<String> urls, String method, boolean idempotent) {
    String body = "{\"workflow\":\"sequence\",\"max_attempts\":100,\"input\":{\"sleep_ms\":20,\"method\":\"" + method
        + "\",\"idempotent\":" + idempotent + ",\"urls\":["
        + urls.stream().map(u -> "\"" + u + "\"").collect(Collectors.joining(",")) + "]}}";
    Reply r = post(cluster.node(2).url("/api/v1/jobs"), JSON, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("job_id").asString();
  }

  static int seq(String jobId) {
    return Integer.parseInt(jobId.substring("job-".length()));
  }

  static JsonNode job(String id) {
    return get(cluster.node(3).url("/api/v1/jobs/" + id)).json();
  }

  static String awaitFinished(String id, Duration deadline) {
    await(id + " finishes").atMost(deadline).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> finished(id));
    return job(id).get("status").asString();
  }

  /** The step boundaries of one three-URL sequence run: each step's RECORDED, and a request's START/PERFORMED. */
  static List<String> boundaries() {
    // per URL: progress, log, sleep_ms, http_request; then nothing more (the output is not a step)
    List<String> out = new ArrayList<>();
    for (int url = 0; url < 3; url++) {
      int base = url * 4;
      out.add(base + ":RECORDED");
      out.add((base + 1) + ":RECORDED");
      out.add((base + 2) + ":RECORDED");
      out.add((base + 3) + ":STARTED");
      out.add((base + 3) + ":PERFORMED");
      out.add((base + 3) + ":RECORDED");
    }
    return out;
  }

  /**
   * All eighteen boundaries at once: one job per boundary, each of whose first attempt halts its worker
   * there, on a pool of three workers in which a halted one is replaced. Each job waits out its dead
   * worker's lease while the others run, so the test takes about six leases rather than eighteen.
   */
  @Test
  void aWorkerDeadAtAnyStepBoundaryLeavesARunThatAnotherFinishesWithEachEffectOnce() throws Exception {
    List<String> points = boundaries();
    String warm = submit(List.of(web.url("/warm")), "GET", true);
    int first = seq(warm) + 1;
    // job-N/1 (its first attempt) halts at its boundary wherever it runs; later attempts run clean
    String faults = java.util.stream.IntStream.range(0, points.size())
        .mapToObj(i -> points.get(i) + ":job-" + (first + i) + "/1").collect(Collectors.joining(","));
    List<WorkerProcess> pool = new ArrayList<>(List.of(worker("w-a", faults), worker("w-b", faults),
        worker("w-c", faults)));
    awaitFinished(warm, Duration.ofSeconds(120));
    int[] spare = {0};
    try {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < points.size(); i++) {
        String prefix = "/b" + i + "/";
        String id = submit(List.of(web.url(prefix + "one"), web.url(prefix + "two"), web.url(prefix + "three")), "GET",
            true);
        assertThat(id).isEqualTo("job-" + (first + i));
        ids.add(id);
      }
      // a halted worker is replaced, so three are always there
      await("every boundary's job finishes").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
          .ignoreExceptions().until(() -> {
            for (int w = 0; w < pool.size(); w++) {
              if (!pool.get(w).alive()) {
                pool.set(w, worker("w-spare-" + spare[0]++, faults));
              }
            }
            return ids.stream().allMatch(WorkerDeathResumeProcessTest::finished);
          });
      for (int i = 0; i < points.size(); i++) {
        String id = ids.get(i);
        String prefix = "/b" + i + "/";
        JsonNode j = job(id);
        assertThat(j.get("status").asString()).as("%s halted at %s: %s", id, points.get(i), j).isEqualTo("Completed");
        assertThat(j.get("output").get("statuses").toString()).isEqualTo("[200,200,200]");
        assertThat(j.get("attempt").asInt()).as("%s resumed by a second attempt", id).isEqualTo(2);
        for (int u = 0; u < 3; u++) {
          boolean inFlight = points.get(i).equals((u * 4 + 3) + ":PERFORMED");
          assertThat(web.hits(prefix + List.of("one", "two", "three").get(u)))
              .as("%s halted at %s: requests for URL %d", id, points.get(i), u).isEqualTo(inFlight ? 2 : 1);
        }
      }
      assertThat(spare[0]).as("workers halted, one per boundary").isEqualTo(points.size());
    } finally {
      for (WorkerProcess w : pool) {
        w.destroy();
      }
    }
  }

  /** Whether the job has ended, Completed or Failed. */
  static boolean finished(String id) {
    return List.of("Completed", "Failed").contains(job(id).get("status").asString());
  }

  @Test
  void aPostInFlightWhenItsWorkerDiedIsNeverSentAgainAndTheJobFailsForGood() throws Exception {
    String prefix = "/post-once/";
    int seq = seq(submit(List.of(web.url("/warm-post")), "GET", true)) + 1;
    // the POST (step 3) was sent, its response came, and the worker died before recording it
    String faults = "3:PERFORMED:job-" + seq + "/1";
    WorkerProcess a = worker("post-a", faults);
    WorkerProcess b = worker("post-b", faults);
    try {
      String id = submit(List.of(web.url(prefix + "deploy"), web.url(prefix + "after")), "POST", false);
      assertThat(id).isEqualTo("job-" + seq);
      assertThat(awaitFinished(id, Duration.ofSeconds(60))).isEqualTo("Failed");
      JsonNode j = job(id);
      assertThat(j.get("error").asString()).containsIgnoringCase("interrupted");
      assertThat(j.get("attempt").asInt()).as("a terminal failure is not retried").isEqualTo(2);
      assertThat(web.hits(prefix + "deploy")).as("the POST, sent before the crash, never again").isEqualTo(1);
      assertThat(web.hits(prefix + "after")).isZero();
    } finally {
      a.destroy();
      b.destroy();
    }
  }

  /**
   * A worker paused (SIGSTOP) with a request in flight, past its lease: another worker takes the job
   * over and finishes it. When the paused worker goes on (SIGCONT) and its request answers, the history
   * refuses its step (the claim is stale), so its run stops there: nothing after it is sent twice.
   */
  @Test
  void aPausedWorkerWhoseLeaseWasTakenOverCanNoLongerAppend() throws Exception {
    String prefix = "/paused/";
    web.holdFirst(prefix + "a", 1);
    WorkerProcess a = worker("pause-a", "");
    WorkerProcess b = null;
    try {
      String id = submit(List.of(web.url(prefix + "a"), web.url(prefix + "b"), web.url(prefix + "c")), "GET", true);
      await("the paused worker's request is in flight").atMost(Duration.ofSeconds(60))
          .until(() -> web.hits(prefix + "a") == 1);
      a.pause();
      b = worker("pause-b", "");
      assertThat(awaitFinished(id, Duration.ofSeconds(60))).isEqualTo("Completed");
      JsonNode done = job(id);
      assertThat(done.get("worker_id").asString()).endsWith("pause-b");
      assertThat(done.get("attempt").asInt()).isEqualTo(2);
      web.release(prefix + "a");
      a.resume();
      // the paused run now has its response; its next append is refused and it stops
      await("the resumed worker's run stops").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> a.output().contains("not current") || a.output().contains("claim is stale"));
      Thread.sleep(1_000); // a moment for anything it might still (wrongly) send
      assertThat(web.hits(prefix + "a")).as("in flight when paused, sent again by the next attempt (idempotent)")
          .isEqualTo(2);
      assertThat(web.hits(prefix + "b")).isEqualTo(1);
      assertThat(web.hits(prefix + "c")).isEqualTo(1);
      JsonNode after = job(id);
      assertThat(after.get("status").asString()).isEqualTo("Completed");
      assertThat(after.get("worker_id").asString()).endsWith("pause-b");
    } finally {
      a.destroy();
      if (b != null) {
        b.destroy();
      }
    }
  }

  @Test
  void thirtyRandomKillsRepeatNoEffectWhoseResultARunSaw() throws Exception {
    int jobs = 3;
    int urlsPerJob = 12;
    List<String> ids = new ArrayList<>();
    List<List<String>> paths = new ArrayList<>();
    for (int j = 0; j < jobs; j++) {
      List<String> p = new ArrayList<>();
      for (int u = 0; u < urlsPerJob; u++) {
        p.add("/random/" + j + "/" + u);
      }
      paths.add(p);
      ids.add(submit(p.stream().map(web::url).toList(), "GET", true));
    }
    List<WorkerProcess> pool = new ArrayList<>(List.of(worker("r-0", ""), worker("r-1", "")));
    int kills = 0;
    int started = 2;
    try {
      while (kills < 30) {
        boolean allDone = ids.stream().allMatch(id -> job(id).get("status").asString().equals("Completed"));
        if (allDone) {
          // everything finished before 30 kills: more work to kill
          List<String> p = new ArrayList<>();
          for (int u = 0; u < urlsPerJob; u++) {
            p.add("/random/" + ids.size() + "/" + u);
          }
          paths.add(p);
          ids.add(submit(p.stream().map(web::url).toList(), "GET", true));
        }
        Thread.sleep(ThreadLocalRandom.current().nextLong(300, 1500)); // a random moment, not a synchronisation
        WorkerProcess victim = pool.get(ThreadLocalRandom.current().nextInt(pool.size()));
        if (victim.alive()) {
          victim.kill();
          kills++;
        }
        for (int w = 0; w < pool.size(); w++) {
          if (!pool.get(w).alive()) {
            pool.set(w, worker("r-" + started++, ""));
          }
        }
      }
      for (String id : ids) {
        assertThat(awaitFinished(id, Duration.ofSeconds(120))).as(id).isEqualTo("Completed");
      }
      int extra = 0;
      for (List<String> p : paths) {
        for (String path : p) {
          int hits = web.hits(path);
          assertThat(hits).as(path).isBetween(1, 2);
          extra += hits - 1;
        }
      }
      assertThat(extra).as("requests sent twice: at most one in flight per kill").isLessThanOrEqualTo(kills);
      System.out.println("random kills: " + kills + ", jobs " + ids.size() + ", requests in flight at a kill: "
          + extra);
    } finally {
      for (WorkerProcess w : pool) {
        w.destroy();
      }
    }
  }
}
