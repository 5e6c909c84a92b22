package io.mvmci.ops.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.mvmci.command.Effects;
import io.mvmci.command.JobRef;
import io.mvmci.command.Result;
import io.mvmci.job.JobStatus;
import io.mvmci.replication.QueueStateMachine;
import io.mvmci.store.JobQueries;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The queue: {@code mvmci_queue_jobs{status}} from the maintained counters (cached for a second, so
 * a scrape never scans and frequent scrapes cost one small read a second), and job events
 * ({@code mvmci_jobs_*}) observed as entries apply on this node.
 *
 * <p>Every node applies every entry, so every node reports the whole cluster's job events: read
 * them from one node, or take the max across nodes, never the sum.
 *
 * <p>Submissions and finished jobs are counted per workflow ({@code workflow} label). Workflows are
 * module names, which only a deploy (secret_api) adds, so the label's values are bounded; past
 * {@value #MAX_WORKFLOWS} names the rest are counted as {@code other}. The workflow of a finished job
 * comes from its submission as this node saw it, else from its row (read on the metrics thread).
 * {@code mvmci_queue_oldest_pending_age_seconds} is how long the longest-waiting runnable job (Pending
 * or Retrying whose run-at time has come) has waited, from the runnable index; 0 when none waits.
 *
 * <p>The apply thread only hands events to a single metrics thread (bounded queue; an event that
 * does not fit is dropped and counted in {@code mvmci_metrics_events_dropped_total}). Claim latency
 * (created → claimed) and run duration (claimed → outcome) come from the times this listener saw in
 * the commands (submission, claim) while the job is in play; only for a job it did not see (submitted
 * before this node started, or beyond {@value #MAX_TRACKED} tracked jobs) does that thread read the
 * time from the job's row. Reading the row for every job cost 8 % of a busy cluster's CPU.
 */
public final class QueueMetrics implements MeterBinder, Effects, AutoCloseable {
  private final QueueStateMachine sm;
  private final Cached<Map<JobStatus, Long>> counts;
  private final ThreadPoolExecutor worker;
  /** Distinct workflow label values at most; more are counted as {@code other}. */
  static final int MAX_WORKFLOWS = 100;
  private MeterRegistry registry;
  private final Map<String, Counter> submittedBy = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Counter> finishedBy = new java.util.concurrent.ConcurrentHashMap<>();
  /** Apply thread only: the workflow of each job in play. */
  private final Map<Long, String> workflowOf = new java.util.HashMap<>();
  private final Cached<Long> oldestRunnable;
  private final java.time.Clock clock;
  private Counter retries;
  private Counter expired;
  private Counter dropped;
  private Timer claimFirst;
  private Timer claimRetry;
  private final Map<String, Timer> durations = new java.util.HashMap<>();
  private volatile boolean bound;
  /** Jobs tracked at most; past that the maps are cleared and refill (misses read the row). */
  static final int MAX_TRACKED = 200_000;
  /** Apply thread only: when each job in play was created. */
  private final Map<Long, Long> createdAt = new java.util.HashMap<>();
  /** Apply thread only: the attempt and claim time of each job's current claim. */
  private final Map<Long, long[]> claimedAt = new java.util.HashMap<>();

  public QueueMetrics(QueueStateMachine sm) {
    this(sm, java.time.Clock.systemUTC());
  }

  public QueueMetrics(QueueStateMachine sm, java.time.Clock clock) {
    this.sm = sm;
    this.clock = clock;
    this.counts = new Cached<>(this::readCounts, 1_000, new EnumMap<>(JobStatus.class));
    this.oldestRunnable = new Cached<>(this::readOldestRunnable, 1_000, -1L);
    this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000),
        r -> {
          Thread t = new Thread(r, "metrics-jobs");
          t.setDaemon(true);
          return t;
        },
        (r, pool) -> {
          if (dropped != null) {
            dropped.increment();
          }
        });
  }

  private Map<JobStatus, Long> readCounts() {
    try {
      return sm.queries().counts();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private long readOldestRunnable() {
    try {
      Long runAt = sm.queries().nextRunAt();
      return runAt == null ? -1 : runAt;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private double oldestPendingAgeSeconds() {
    long runAt = oldestRunnable.get();
    return runAt < 0 ? 0 : Math.max(0, clock.millis() - runAt) / 1000.0;
  }

  private Counter submittedCounter(String workflow) {
    return submittedBy.computeIfAbsent(label(workflow), w -> Counter.builder("mvmci.jobs.submitted")
        .description("jobs added to the queue, by workflow").tag("workflow", w).register(registry));
  }

  private Counter finishedCounter(JobStatus status, String workflow) {
    String key = status.name() + " " + label(workflow);
    return finishedBy.computeIfAbsent(key, k -> Counter.builder("mvmci.jobs.finished")
        .description("jobs that reached a final status through a worker's report or a cancel, by workflow")
        .tag("status", status.name()).tag("workflow", k.substring(k.indexOf(' ') + 1)).register(registry));
  }

  private final java.util.Set<String> workflows = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private String label(String workflow) {
    if (workflow == null) {
      return "unknown";
    }
    if (workflows.contains(workflow)) {
      return workflow;
    }
    if (workflows.size() < MAX_WORKFLOWS) {
      workflows.add(workflow);
      return workflow;
    }
    return "other";
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("mvmci.queue.oldest.pending.age", this, QueueMetrics::oldestPendingAgeSeconds)
        .description("how long the longest-waiting runnable job (Pending or Retrying, run-at time come) has"
            + " waited; 0 when none waits (cached 1 s)")
        .baseUnit("seconds").register(registry);
    for (JobStatus s : JobStatus.values()) {
      Gauge.builder("mvmci.queue.jobs", counts, c -> c.get().getOrDefault(s, 0L))
          .description("jobs in the queue by status (exact as of the last applied entry; cached 1 s)")
          .baseUnit("jobs").tag("status", s.name()).register(registry);
    }
    retries = Counter.builder("mvmci.jobs.retries")
        .description("failed attempts that will be retried after a backoff").register(registry);
    expired = Counter.builder("mvmci.jobs.leases.expired")
        .description("claims whose lease ran out (their worker went silent)").register(registry);
    dropped = Counter.builder("mvmci.metrics.events.dropped")
        .description("job events not measured because the metrics thread fell behind").register(registry);
    claimFirst = claimTimer(registry, "first");
    claimRetry = claimTimer(registry, "retry");
    for (String outcome : List.of("completed", "failed", "retrying", "released", "suspended")) {
      durations.put(outcome, Timer.builder("mvmci.jobs.run.duration")
          .description("claim to reported outcome, per attempt")
          .tag("outcome", outcome)
          .serviceLevelObjectives(slos())
          .register(registry));
    }
    bound = true;
  }

  private static Timer claimTimer(MeterRegistry registry, String attempt) {
    return Timer.builder("mvmci.jobs.claim.latency")
        .description("job created to claimed by a worker (first attempt), or to claimed again (retry)")
        .tag("attempt", attempt)
        .serviceLevelObjectives(slos())
        .register(registry);
  }

  private static Duration[] slos() {
    return new Duration[] {Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
        Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30)};
  }

  // The Effects below run on the apply thread: they classify and hand over; never block, never throw.

  @Override
  public void jobSubmitted(long seq, long at, String workflow) {
    if (bound) {
      submittedCounter(workflow).increment();
      track();
      createdAt.put(seq, at);
      workflowOf.put(seq, workflow);
    }
  }

  @Override
  public void jobsClaimed(long at, List<Result.ClaimedJob> jobs) {
    if (!bound) {
      return;
    }
    for (Result.ClaimedJob job : jobs) {
      JobRef ref = job.ref();
      Long created = createdAt.get(ref.seq());
      if (created != null) {
        recordClaim(ref.attempt(), at - created);
      } else {
        worker.execute(() -> claimLatency(ref, at));
      }
      track();
      claimedAt.put(ref.seq(), new long[] {ref.attempt(), at});
    }
  }

  @Override
  public void runEnded(JobRef job, long at, JobStatus to) {
    if (!bound) {
      return;
    }
    finished(job.seq(), to);
    if (to == JobStatus.Retrying) {
      retries.increment();
    }
    String outcome = switch (to) {
      case Completed -> "completed";
      case Retrying -> "retrying";
      case Pending -> "released";
      case Waiting -> "suspended";
      default -> "failed";
    };
    duration(job, at, outcome);
    claimedAt.remove(job.seq());
    if (to.isTerminal()) {
      createdAt.remove(job.seq());
      workflowOf.remove(job.seq());
    }
  }

  @Override
  public void jobCancelled(long seq, long at) {
    if (bound) {
      finished(seq, JobStatus.Cancelled);
      claimedAt.remove(seq);
      createdAt.remove(seq);
      workflowOf.remove(seq);
    }
  }

  @Override
  public void leasesExpired(int jobs) {
    if (bound) {
      expired.increment(jobs);
    }
  }

  private void finished(long seq, JobStatus to) {
    if (!to.isTerminal()) {
      return;
    }
    String workflow = workflowOf.get(seq);
    if (workflow != null) {
      finishedCounter(to, workflow).increment();
    } else {
      worker.execute(() -> finishedCounter(to, workflowFromRow(seq)).increment());
    }
  }

  private String workflowFromRow(long seq) {
    try {
      return sm.queries().get(seq).map(io.mvmci.job.Job::workflow).orElse(null);
    } catch (SQLException | RuntimeException e) {
      return null;
    }
  }

  /** Bounds the maps: past {@link #MAX_TRACKED} jobs (say, many failed by lease expiry) start over. */
  private void track() {
    if (createdAt.size() + claimedAt.size() + workflowOf.size() >= MAX_TRACKED) {
      createdAt.clear();
      claimedAt.clear();
      workflowOf.clear();
    }
  }

  @Override
  public void reloaded() {
    createdAt.clear();
    claimedAt.clear();
    workflowOf.clear();
  }

  private void recordClaim(int attempt, long ms) {
    if (ms >= 0) {
      (attempt <= 1 ? claimFirst : claimRetry).record(ms, TimeUnit.MILLISECONDS);
    }
  }

  private void recordDuration(String outcome, long ms) {
    if (ms >= 0) {
      durations.get(outcome).record(ms, TimeUnit.MILLISECONDS);
    }
  }

  /** The run's duration from the claim this node saw, or (not seen) from the job's row. */
  private void duration(JobRef ref, long endedAt, String outcome) {
    long[] claim = claimedAt.get(ref.seq());
    if (claim != null && claim[0] == ref.attempt()) {
      recordDuration(outcome, endedAt - claim[1]);
    } else {
      worker.execute(() -> durationFromRow(ref, endedAt, outcome));
    }
  }

  private void claimLatency(JobRef ref, long claimedAt) {
    Optional<JobQueries.Times> job = read(ref.seq());
    if (job.isEmpty()) {
      return;
    }
    recordClaim(ref.attempt(), claimedAt - job.get().createdAt());
  }

  /** The row's started_at belongs to this claim only while its attempt is the claim's. */
  private void durationFromRow(JobRef ref, long endedAt, String outcome) {
    Optional<JobQueries.Times> job = read(ref.seq());
    if (job.isEmpty() || job.get().attempt() != ref.attempt() || job.get().startedAt() == null) {
      return;
    }
    recordDuration(outcome, endedAt - job.get().startedAt());
  }

  private Optional<JobQueries.Times> read(long seq) {
    try {
      return sm.queries().times(seq);
    } catch (SQLException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
