package io.mvmci.lifecycle;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;

/** The two measurements on a running three-node mvm-ci cluster. */
final class MvmciLifecycle {
  static final String[] STATUSES = {"Pending", "InProgress", "Retrying", "Completed", "Failed", "Cancelled"};

  private final MvmciClient api;
  private final List<Long> pids;

  MvmciLifecycle(MvmciClient api, List<Long> pids) {
    this.api = api;
    this.pids = pids;
  }

  /**
   * Submits {@code n} no-op jobs in batches of {@code batch} from {@code clients} threads, batch i to
   * node i mod 3, and times until node 1's /queue/stats shows all of them Completed. Then checks that
   * each ran exactly once: Completed grew by exactly n and nothing else moved, every one of the jobs is
   * Completed with attempt 1 and no failure, and the engines of the three nodes started exactly n runs.
   */
  Measurement throughput(int round, int n, int clients, int batch, long pollMs) throws Exception {
    JsonNode before = api.stats(0);
    double[] runs0 = perNode("mvmci_engine_runs_started_total");
    double[] gcCount0 = perNode("mvmci_raft_group_commit_batch_commands_count");
    double[] gcSum0 = perNode("mvmci_raft_group_commit_batch_commands_sum");
    String load0 = Proc.loadavg();
    long cpu0 = Proc.cpuMillis(pids);
    ConcurrentLinkedQueue<MvmciClient.Job> submitted = new ConcurrentLinkedQueue<>();
    Round.Times times = Round.run(n, clients, batch, pollMs, "mvmci",
        () -> (index, size) -> submitted.addAll(api.submitBatch(index % api.size(), size)),
        () -> api.stats(0).get("Completed").asLong());
    long cpu = Proc.cpuMillis(pids) - cpu0;
    String load1 = Proc.loadavg();
    double seconds = times.seconds();

    List<String> problems = new ArrayList<>();
    JsonNode after = api.stats(0);
    for (String s : STATUSES) {
      long delta = after.get(s).asLong() - before.get(s).asLong();
      long want = s.equals("Completed") ? n : 0;
      if (delta != want) {
        problems.add(s + "+" + delta);
      }
    }
    checkJobs(new ArrayList<>(submitted), n, problems);
    double[] runs1 = perNode("mvmci_engine_runs_started_total");
    double[] gcCount1 = perNode("mvmci_raft_group_commit_batch_commands_count");
    double[] gcSum1 = perNode("mvmci_raft_group_commit_batch_commands_sum");
    long runs = 0;
    StringBuilder spread = new StringBuilder();
    double entries = 0;
    double commands = 0;
    for (int i = 0; i < runs0.length; i++) {
      long r = Math.round(runs1[i] - runs0[i]);
      runs += r;
      spread.append(i == 0 ? "" : "/").append(r);
      entries += gcCount1[i] - gcCount0[i];
      commands += gcSum1[i] - gcSum0[i];
    }
    if (runs != n) {
      problems.add("engine_runs=" + runs);
    }
    String detail = String.format(java.util.Locale.ROOT,
        "submit_s=%.2f,runs_per_node=%s,commands_per_entry=%.1f,entries=%d%s",
        times.submitSeconds(), spread, entries == 0 ? 0 : commands / entries, Math.round(entries),
        problems.isEmpty() ? "" : ",PROBLEMS=" + String.join("+", problems));
    return new Measurement("mvmci", "throughput", round, n, seconds, n / seconds, 0, (double) cpu / n,
        load0, load1, problems.isEmpty(), detail);
  }

  /** Every submitted job is Completed once, at attempt 1, with no failure; nothing else is in range. */
  private void checkJobs(List<MvmciClient.Job> submitted, int n, List<String> problems)
      throws IOException, InterruptedException {
    if (submitted.size() != n) {
      problems.add("submitted=" + submitted.size());
      return;
    }
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (MvmciClient.Job j : submitted) {
      lo = Math.min(lo, j.seq());
      hi = Math.max(hi, j.seq());
    }
    Map<Long, MvmciClient.Job> seen = new HashMap<>();
    int notOnce = 0;
    for (MvmciClient.Job j : api.page(0, "Completed", lo - 1, hi)) {
      if (seen.put(j.seq(), j) != null) {
        notOnce++;
      }
    }
    int missing = 0;
    int attempts = 0;
    for (MvmciClient.Job j : submitted) {
      MvmciClient.Job c = seen.get(j.seq());
      if (c == null) {
        missing++;
      } else if (c.attempt() != 1 || c.failures() != 0) {
        attempts++;
      }
    }
    if (missing > 0) {
      problems.add("not_completed=" + missing);
    }
    if (attempts > 0) {
      problems.add("attempt_not_1=" + attempts);
    }
    if (notOnce > 0 || seen.size() != n) {
      problems.add("completed_in_range=" + seen.size() + ",listed_twice=" + notOnce);
    }
  }

  /**
   * Submits {@code m} single jobs one at a time, round the three nodes, each after the previous one
   * completed and {@code gapMs} of quiet; enqueue-to-start is started_at - created_at (both stamped by
   * nodes of this machine: created_at by the node that took the submission, started_at by the node whose
   * claim won, as it proposed the claim).
   */
  Measurement latency(int round, int m, long gapMs) throws Exception {
    List<Double> lat = new ArrayList<>(m);
    List<Double> submitRtt = new ArrayList<>(m);
    String load0 = Proc.loadavg();
    long cpu0 = Proc.cpuMillis(pids);
    long t0 = System.nanoTime();
    int notOnce = 0;
    for (int i = 0; i < m; i++) {
      int node = i % api.size();
      long s0 = System.nanoTime();
      MvmciClient.Job j = api.submitOne(node);
      submitRtt.add((System.nanoTime() - s0) / 1e6);
      MvmciClient.Job c = awaitCompleted(node, j.id());
      if (c.attempt() != 1) {
        notOnce++;
      }
      lat.add((double) (c.startedAt() - c.createdAt()));
      Thread.sleep(gapMs);
    }
    long cpu = Proc.cpuMillis(pids) - cpu0;
    Percentiles p = new Percentiles(lat);
    Percentiles rtt = new Percentiles(submitRtt);
    String detail = String.format(java.util.Locale.ROOT, "max=%.0f,submit_rtt_p50=%.2f,submit_rtt_p99=%.2f%s",
        p.max(), rtt.at(50), rtt.at(99), notOnce == 0 ? "" : ",PROBLEMS=attempt_not_1=" + notOnce);
    return new Measurement("mvmci", "latency", round, m, (System.nanoTime() - t0) / 1e9, p.at(50), p.at(99),
        (double) cpu / m, load0, Proc.loadavg(), notOnce == 0, detail);
  }

  private MvmciClient.Job awaitCompleted(int node, String id) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    Thread.sleep(30);
    while (true) {
      MvmciClient.Job j = api.get(node, id);
      if (j.status().equals("Completed")) {
        return j;
      }
      if (System.nanoTime() > deadline || j.status().equals("Failed") || j.status().equals("Cancelled")) {
        throw new IllegalStateException(id + " is " + j.status() + " after 30 s");
      }
      Thread.sleep(10);
    }
  }

  private double[] perNode(String metric) throws IOException, InterruptedException {
    double[] out = new double[api.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = api.metric(i, metric);
    }
    return out;
  }
}
