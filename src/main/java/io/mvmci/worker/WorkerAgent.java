package io.mvmci.worker;

import io.mvmci.command.JobRef;
import io.mvmci.command.Result;
import io.mvmci.job.JobId;
import io.mvmci.replication.ReplicationException;
import io.mvmci.workflow.FailureKind;
import io.mvmci.workflow.ModuleRef;
import io.mvmci.workflow.ProgressUpdate;
import io.mvmci.workflow.RunHandle;
import io.mvmci.workflow.RunOutcome;
import io.mvmci.workflow.RunSpec;
import io.mvmci.workflow.UnfinishedRun;
import io.mvmci.workflow.WorkflowEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.ObjectMapper;

/**
 * A worker: claims jobs through a {@link WorkTransport}, runs each in the {@link WorkflowEngine},
 * keeps its claims alive with heartbeats, and reports each outcome under the claim's fencing token.
 * See package-info for the threading and failure model.
 */
public final class WorkerAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerAgent.class);
  /** How long one claim call may wait for work before the loop goes round again. */
  static final Duration IDLE_WAIT = Duration.ofSeconds(5);

  private final WorkerSettings settings;
  private final WorkTransport transport;
  private final WorkflowEngine engine;
  private final ObjectMapper json;
  private final Map<Long, Run> runs = new ConcurrentHashMap<>();
  private final Semaphore slots;
  private final ExecutorService reporter;
  private final ExecutorService settler;
  private final ProgressOutbox outbox;
  private final ScheduledExecutorService ticker;
  private final Thread claimer;
  private volatile boolean stopping;

  /** Why a run is being stopped early, if it is. */
  private enum Stop { NONE, STALE, RELEASE }

  private static final class Run {
    final JobRef ref;
    final String runId;
    final int failures;
    final boolean ownsSlot;
    volatile RunHandle handle;
    volatile Stop stop = Stop.NONE;
    final RunProgress progress;

    Run(JobRef ref, int failures, boolean ownsSlot) {
      this.ref = ref;
      this.runId = RunIds.of(ref);
      this.failures = failures;
      this.ownsSlot = ownsSlot;
      this.progress = new RunProgress(ref);
    }
  }

  public WorkerAgent(WorkerSettings settings, WorkTransport transport, WorkflowEngine engine,
      ObjectMapper json) {
    this.settings = settings;
    this.transport = transport;
    this.engine = engine;
    this.json = json;
    this.slots = new Semaphore(settings.capacity());
    // A thread per slot: a run keeps its slot until its outcome is accepted, so reports in flight
    // never outnumber slots, and a blocking report (a remote worker's HTTP call; a failure or a
    // hand-back) waits without using CPU. With 8 threads for 32 slots, finished runs queued for a
    // reporter while holding their slots: the lifecycle benchmark ran at 1,443 jobs/s, not 2,191.
    // An embedded worker's completions do not wait on a thread at all (completeAsync).
    this.reporter = Executors.newFixedThreadPool(Math.max(8, settings.capacity()), named("worker-report"));
    // What follows a report's answer never blocks, so one thread does it all: an entry's answers
    // arrive together, and one busy thread takes them in turn where a pool woke a parked thread
    // for each (futex wake-ups were a tenth of a node's CPU in the lifecycle benchmark).
    this.settler = Executors.newSingleThreadExecutor(named("worker-settle"));
    this.outbox = new ProgressOutbox(transport, this::stopStale);
    this.ticker = Executors.newSingleThreadScheduledExecutor(named("worker-heartbeat"));
    this.claimer = named("worker-claim").newThread(this::claimLoop);
  }

  /** Resumes the runs this worker held when it stopped, then starts claiming and heartbeating. */
  public void start() {
    resumeUnfinished();
    ticker.scheduleWithFixedDelay(this::heartbeat, 0, settings.heartbeatMs(), TimeUnit.MILLISECONDS);
    claimer.start();
  }

  public String workerId() {
    return transport.workerId();
  }

  /** Runs in progress here (including ones whose outcome is still being reported). */
  public int running() {
    return runs.size();
  }

  /** The job was cancelled (seen in the replicated log): stop its run now if it runs here. */
  public void cancelled(long seq) {
    Run run = runs.get(seq);
    if (run != null) {
      stop(run, Stop.STALE);
    }
  }

  /** Where the engine's coalesced progress goes: into each run's buffer, then the outbox. */
  public void publish(List<ProgressUpdate> updates) {
    for (ProgressUpdate u : updates) {
      JobRef ref = RunIds.parse(u.runId());
      Run run = ref == null ? null : runs.get(ref.seq());
      if (run != null && run.ref.equals(ref)) {
        run.progress.merge(u);
      }
    }
    outbox.schedule(() -> runs.values().stream().map(r -> r.progress).toList());
  }

  private void resumeUnfinished() {
    List<UnfinishedRun> unfinished = engine.unfinishedRuns();
    if (unfinished.isEmpty()) {
      return;
    }
    List<JobRef> refs = new ArrayList<>();
    for (UnfinishedRun u : unfinished) {
      JobRef ref = RunIds.parse(u.runId());
      if (ref != null) {
        refs.add(ref);
      }
    }
    Set<JobRef> stale = new HashSet<>(heartbeatUntilAnswered(refs));
    for (UnfinishedRun u : unfinished) {
      JobRef ref = RunIds.parse(u.runId());
      if (ref == null || stale.contains(ref)) {
        LOG.info("not resuming {}: its claim is no longer current", u.runId());
        forget(u.runId());
        continue;
      }
      LOG.info("resuming {} from its journal", u.runId());
      Run run = new Run(ref, 0, slots.tryAcquire());
      runs.put(ref.seq(), run);
      launch(run, u.toSpec());
    }
  }

  /** At start-up the queue may not be reachable yet (a node still joining); wait for it, bounded. */
  private List<JobRef> heartbeatUntilAnswered(List<JobRef> refs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.leaseMs() * 4);
    while (true) {
      try {
        return transport.heartbeat(refs, settings.capacity());
      } catch (WorkException e) {
        if (System.nanoTime() > deadline) {
          LOG.warn("could not confirm claims to resume ({}); their leases will expire", e.getMessage());
          return refs;
        }
        pause(200);
      }
    }
  }

  private void claimLoop() {
    long failures = 0;
    while (!stopping) {
      int free;
      try {
        slots.acquire();
        free = 1 + slots.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
      List<Result.ClaimedJob> jobs;
      try {
        jobs = transport.claim(free, IDLE_WAIT);
        failures = 0;
      } catch (WorkException e) {
        slots.release(free);
        LOG.debug("claim failed: {}", e.getMessage());
        pause(Math.min(2_000, 100L << Math.min(failures++, 5)));
        continue;
      } catch (RuntimeException e) {
        slots.release(free);
        LOG.warn("claim failed", e);
        pause(1_000);
        continue;
      }
      slots.release(free - jobs.size());
      List<Run> claimed = new ArrayList<>(jobs.size());
      List<RunSpec> specs = new ArrayList<>(jobs.size());
      for (Result.ClaimedJob job : jobs) {
        Run run = new Run(job.ref(), job.failures(), true);
        runs.put(job.ref().seq(), run);
        if (stopping) {
          reporter.execute(() -> report(run, () -> transport.release(run.ref, "worker is stopping")));
          continue;
        }
        claimed.add(run);
        ModuleRef module = job.moduleSha256() == null ? ModuleRef.latest(job.workflow())
            : ModuleRef.exact(job.workflow(), job.moduleSha256());
        specs.add(new RunSpec(run.runId, module,
            job.input().getBytes(StandardCharsets.UTF_8), Duration.ofMillis(job.timeoutMs())));
      }
      if (specs.size() > 1) {
        engine.beginAll(specs); // one journal transaction for the batch, not one per run
      }
      for (int i = 0; i < claimed.size(); i++) {
        launch(claimed.get(i), specs.get(i));
      }
    }
  }

  private void launch(Run run, RunSpec spec) {
    try {
      run.handle = engine.start(spec);
    } catch (RuntimeException e) {
      LOG.warn("could not start {}", run.runId, e);
      reporter.execute(() -> finish(run, new RunOutcome.Failed(FailureKind.HOST_ERROR,
          "could not start the run: " + e.getMessage())));
      return;
    }
    if (run.stop != Stop.NONE) {
      run.handle.cancel();
    }
    var outcome = run.handle.outcome();
    boolean finishedAlready = outcome.isDone();
    outcome.whenComplete((o, error) -> {
      RunOutcome result = o != null ? o : new RunOutcome.Failed(FailureKind.HOST_ERROR, String.valueOf(error));
      if (!finishedAlready && reportsWithoutWaiting(run, result)) {
        finish(run, result); // on the run's own thread, which it frees at once
      } else {
        reportingThread(() -> finish(run, result));
      }
    });
  }

  /**
   * Whether {@code outcome} can be reported from any thread: a success, with no progress left to
   * send, through a transport whose completion does not wait. Reporting it from the thread that
   * finished the run saves a hand-over to a reporting thread per job.
   */
  private boolean reportsWithoutWaiting(Run run, RunOutcome outcome) {
    return outcome instanceof RunOutcome.Succeeded && run.stop == Stop.NONE && run.progress.quiet()
        && transport.completesWithoutWaiting();
  }

  private void finish(Run run, RunOutcome outcome) {
    MDC.put("job_id", JobId.format(run.ref.seq()));
    try {
      if (run.stop == Stop.STALE) {
        done(run);
        return;
      }
      outbox.flush(run.progress);
      if (outcome instanceof RunOutcome.Succeeded s) {
        LOG.debug("{} succeeded; reporting it complete", run.runId);
        String output = Outcomes.outputJson(s.output(), json);
        reportAsync(run, () -> transport.completeAsync(run.ref, output));
      } else {
        RunOutcome.Failed f = (RunOutcome.Failed) outcome;
        if (run.stop == Stop.RELEASE || f.kind() == FailureKind.SHUTDOWN) {
          LOG.info("{} stopped with the worker; handing it back", run.runId);
          report(run, () -> transport.release(run.ref, "worker is stopping"));
        } else if (f.kind() == FailureKind.CANCELLED) {
          done(run);
        } else {
          LOG.info("{} failed ({}); reporting it", run.runId, f.kind());
          boolean retryable = Outcomes.retryable(f.kind());
          long delay = Backoff.delayMs(run.failures + 1, settings.backoffBaseMs(),
              settings.backoffMaxMs(), ThreadLocalRandom.current());
          String error = Outcomes.error(f.kind(), f.reason());
          String output = f.output().length == 0 ? null : Outcomes.outputJson(f.output(), json);
          report(run, () -> transport.fail(run.ref, error, retryable, delay, output));
        }
      }
    } finally {
      MDC.remove("job_id");
    }
  }

  private interface Report {
    boolean send();
  }

  /** Sends a final report; retries while the queue is unreachable; then the run is done. */
  private void report(Run run, Report report) {
    reportAsync(run, () -> CompletableFuture.completedFuture(report.send()));
  }

  /**
   * Sends a final report whose answer may come later, retrying every 500 ms while the queue cannot
   * be reached; then the run is done. No reporting thread waits for a commit, and what follows the
   * answer runs on the settling thread (never on the thread that completed the commit, a Raft
   * thread for the embedded worker).
   */
  private void reportAsync(Run run, Supplier<CompletableFuture<Boolean>> send) {
    CompletableFuture<Boolean> answer;
    try {
      answer = send.get();
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenCompleteAsync((accepted, error) -> {
      if (error == null) {
        if (!accepted) {
          LOG.info("{}: outcome refused, the claim is stale", run.runId);
        }
        done(run);
        return;
      }
      Throwable cause = ReplicationException.unwrap(error);
      if (reporter.isShutdown()) {
        return;
      }
      if (cause instanceof WorkException) {
        LOG.debug("{}: report failed, retrying: {}", run.runId, cause.getMessage());
      } else {
        LOG.warn("{}: report failed, retrying", run.runId, cause);
      }
      ticker.schedule(() -> reportingThread(() -> reportAsync(run, send)), 500, TimeUnit.MILLISECONDS);
    }, this::settlingThread);
  }

  /** Runs {@code task} on a reporting thread; drops it once the worker has stopped. */
  private void reportingThread(Runnable task) {
    try {
      reporter.execute(task);
    } catch (RejectedExecutionException e) {
      // stopping: the run's lease expires or it is resumed from its journal
    }
  }

  /** Runs {@code task}, which must not block, on the settling thread; drops it once stopped. */
  private void settlingThread(Runnable task) {
    try {
      settler.execute(task);
    } catch (RejectedExecutionException e) {
      // stopping, as for reportingThread
    }
  }

  private void done(Run run) {
    if (runs.remove(run.ref.seq(), run)) {
      try {
        engine.forgetLater(run.runId); // batched: the outcome is acknowledged, nothing reads it again
      } catch (RuntimeException e) {
        LOG.debug("could not forget the journal of {}: {}", run.runId, e.getMessage());
      }
      if (run.ownsSlot) {
        slots.release();
      }
      synchronized (runs) {
        runs.notifyAll();
      }
    }
  }

  private void forget(String runId) {
    try {
      engine.forget(runId);
    } catch (RuntimeException e) {
      LOG.debug("could not forget the journal of {}: {}", runId, e.getMessage());
    }
  }

  private void heartbeat() {
    List<JobRef> refs = runs.values().stream().map(r -> r.ref).toList();
    try {
      transport.heartbeat(refs, settings.capacity()).forEach(this::stopStale);
    } catch (WorkException e) {
      LOG.debug("heartbeat failed: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("heartbeat failed", e);
    }
  }

  private void stopStale(JobRef ref) {
    Run run = runs.get(ref.seq());
    if (run != null && run.ref.equals(ref)) {
      LOG.info("{}: claim is stale (cancelled, expired or taken over); stopping the run", run.runId);
      stop(run, Stop.STALE);
    }
  }

  private void stop(Run run, Stop why) {
    run.stop = why;
    RunHandle h = run.handle;
    if (h != null) {
      h.cancel();
    }
  }

  /**
   * Stops claiming, lets runs finish for the shutdown grace, then cancels the rest and hands them
   * back to the queue (not counted as failures).
   */
  @Override
  public void close() {
    stopping = true;
    claimer.interrupt();
    awaitRunsBelow(1, settings.shutdownGrace());
    for (Run run : runs.values()) {
      stop(run, Stop.RELEASE);
    }
    awaitRunsBelow(1, Duration.ofSeconds(10));
    ticker.shutdownNow();
    outbox.close();
    reporter.shutdownNow();
    settler.shutdownNow();
    if (!runs.isEmpty()) {
      LOG.warn("stopped with {} runs unreported; their leases will expire", runs.size());
    }
  }

  private void awaitRunsBelow(int n, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (runs) {
      while (runs.size() >= n) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return;
        }
        try {
          runs.wait(Math.min(left, 100));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
