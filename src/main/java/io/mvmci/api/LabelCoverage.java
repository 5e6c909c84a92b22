package io.mvmci.api;

import io.mvmci.job.Job;
import io.mvmci.job.JobStatus;
import io.mvmci.job.Labels;
import io.mvmci.queue.Consistency;
import io.mvmci.queue.JobService;
import io.mvmci.store.JobQueries;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Whether a job waiting for a worker could be taken by any live one: a job that requires labels no
 * live worker has says so in its reason, "no live worker has labels gpu, arm64", as the API and the
 * dashboard show it. Decided on read, from this node's copy of the heartbeats (read at most once a
 * second): the stored reason stays what the log wrote, and the answer follows workers as they come
 * and go.
 */
@Component
class LabelCoverage {
  static final long REFRESH_MS = 1_000;

  private final JobService jobs;
  private final Clock clock;
  private volatile Snapshot snapshot;

  private record Snapshot(long readAt, List<List<String>> alive) {}

  LabelCoverage(JobService jobs, Clock clock) {
    this.jobs = jobs;
    this.clock = clock;
  }

  /** The reason to show for {@code j}: its own, unless no live worker has all the labels it needs. */
  String reason(Job j) {
    List<String> needed = j.dispatch().labels();
    if (needed.isEmpty() || !(j.status() == JobStatus.Pending || j.status() == JobStatus.Retrying)) {
      return j.reason();
    }
    for (List<String> has : alive()) {
      if (has.containsAll(needed)) {
        return j.reason();
      }
    }
    String none = "no live worker has labels " + Labels.words(needed);
    return j.status() == JobStatus.Pending ? none : j.reason() + "; " + none;
  }

  private List<List<String>> alive() {
    long now = clock.millis();
    Snapshot s = snapshot;
    if (s != null && now >= s.readAt() && now - s.readAt() < REFRESH_MS) {
      return s.alive();
    }
    List<List<String>> alive = jobs.workers(Consistency.LOCAL).stream()
        .filter(w -> "alive".equals(w.status())).map(JobQueries.Worker::labels).toList();
    snapshot = new Snapshot(now, alive);
    return alive;
  }
}
