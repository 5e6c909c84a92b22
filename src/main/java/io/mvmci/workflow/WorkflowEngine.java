package io.mvmci.workflow;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs workflow modules as durable runs: each run on a pooled thread while it runs, every side effect
 * journaled in local SQLite, a crashed run resumed by replaying its journal. See DESIGN.md.
 *
 * <p>Thread-safe. A run id is active at most once per engine; one engine owns its journal file.
 */
public final class WorkflowEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkflowEngine.class);
  private final EngineConfig config;
  private final Journal journal;
  private final ProgressCoalescer progress;
  private final ScheduledExecutorService timers;
  private final ScheduledExecutorService flusher;
  /** Run threads, with the configured stack; idle ones are kept a while and reused. */
  private final ThreadPoolExecutor runThreads;
  private final RunExecution.Context context;
  private final Map<String, RunExecution> active = new ConcurrentHashMap<>();
  private final EngineStats stats;
  private final HttpBridge http;
  private volatile boolean closed;

  /**
   * An engine journaling to {@code config.journalFile()}, running modules from {@code modules}, whose
   * runs reach public addresses only ({@link EgressPolicy#publicOnly()}).
   */
  public WorkflowEngine(EngineConfig config, ModuleRegistry modules, ProgressSink sink) {
    this(config, modules, sink, EgressPolicy.publicOnly());
  }

  /** As above; runs' HTTP requests may connect where {@code egress} allows. */
  public WorkflowEngine(EngineConfig config, ModuleRegistry modules, ProgressSink sink, EgressPolicy egress) {
    this(config, modules, sink, new HttpBridge(egress), Faults.fromEnvironment());
  }

  WorkflowEngine(EngineConfig config, ModuleRegistry modules, ProgressSink sink, HttpBridge http,
      StepHook hook) {
    this.config = config;
    this.http = http;
    this.journal = Journal.open(config.journalFile(), config.journalFsync());
    this.stats = new EngineStats(journal::writes);
    this.progress = new ProgressCoalescer(sink, config.clock(), config.logLinesPerInterval(),
        config.logBytesPerInterval());
    ScheduledThreadPoolExecutor timerPool = new ScheduledThreadPoolExecutor(1, daemon("wf-timers"));
    timerPool.setRemoveOnCancelPolicy(true);
    this.timers = timerPool;
    this.flusher = Executors.newSingleThreadScheduledExecutor(daemon("wf-progress"));
    this.runThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), runThread(config.stackSizeBytes()));
    long every = config.progressInterval().toNanos();
    flusher.scheduleWithFixedDelay(progress::flushAll, every, every, TimeUnit.NANOSECONDS);
    flusher.scheduleWithFixedDelay(() -> active.values().forEach(RunExecution::flushHistory), every, every,
        TimeUnit.NANOSECONDS);
    HostServices services = new HostServices(config.clock(), new SecureRandom(), http, progress);
    this.context = new RunExecution.Context(config, modules, journal, stats, services, hook, timers,
        execution -> active.remove(execution.runId(), execution));
  }

  /**
   * Starts a run, or resumes it if its journal exists, or reports its recorded outcome if it
   * already ended.
   *
   * @throws IllegalStateException if this run id is already running here, or the engine is closed
   * @throws IllegalArgumentException if the run's journal exists and was started with another
   *     module name or another input: a resumed run must be the same run
   */
  public RunHandle start(RunSpec spec) {
    if (closed) {
      throw new IllegalStateException("the workflow engine is closed");
    }
    RunExecution execution = new RunExecution(context, spec);
    if (active.putIfAbsent(spec.runId(), execution) != null) {
      throw new IllegalStateException("run " + spec.runId() + " is already running");
    }
    try {
      if (spec.history() == null) {
        journal.header(spec.runId()).ifPresent(started -> requireSameRun(spec, started));
      }
    } catch (IllegalArgumentException e) {
      active.remove(spec.runId(), execution);
      throw e;
    } catch (JournalException e) {
      active.remove(spec.runId(), execution);
      return failedToStart(spec, FailureKind.HOST_ERROR, e.getMessage());
    }
    try {
      execution.start(runThreads);
      stats.started();
      execution.outcome().whenComplete((outcome, error) -> stats.ended(outcome));
    } catch (OutOfMemoryError | RuntimeException e) {
      active.remove(spec.runId(), execution);
      return failedToStart(spec, FailureKind.RESOURCE_LIMIT, "cannot start the run's thread: " + e);
    }
    return new RunHandle(spec.runId(), execution.outcome(),
        () -> execution.requestStop(FailureKind.CANCELLED, "cancelled"));
  }

  private static RunHandle failedToStart(RunSpec spec, FailureKind kind, String reason) {
    return new RunHandle(spec.runId(),
        CompletableFuture.completedFuture(new RunOutcome.Failed(kind, reason)), () -> {});
  }

  private static void requireSameRun(RunSpec spec, Journal.RunHeader started) {
    if (!started.module().name().equals(spec.module().name())) {
      throw new IllegalArgumentException("run " + spec.runId() + " started with module "
          + started.module().name() + ", not " + spec.module().name());
    }
    if (!Arrays.equals(Sha256.digest(started.input()), Sha256.digest(spec.input()))) {
      throw new IllegalArgumentException("run " + spec.runId()
          + " started with another input than the one it is resumed with");
    }
  }

  private final AtomicInteger replays = new AtomicInteger();

  /**
   * Replays a recorded history against {@code module} (deployed or not) without side effects: the
   * run gets the recorded results, and ends at the first step beyond them, before performing it.
   * The report says whether the run asked for exactly what the history holds, and if not, where it
   * diverged and how.
   *
   * @param results the result of each recorded step, read as the run replays it
   */
  public CompletableFuture<ReplayReport> replay(WorkflowModule module, byte[] input, List<HistoryStep> steps,
      java.util.function.IntFunction<byte[]> results, Duration timeout) {
    if (closed) {
      throw new IllegalStateException("the workflow engine is closed");
    }
    ReplayHistory history = new ReplayHistory(steps, results);
    RunSpec spec = new RunSpec("replay-" + replays.incrementAndGet(), module.ref(), input, timeout, history)
        .withServices(history);
    RunExecution execution = new RunExecution(context, spec, module);
    active.put(spec.runId(), execution);
    try {
      execution.start(runThreads);
    } catch (RuntimeException e) {
      active.remove(spec.runId(), execution);
      throw e;
    }
    return execution.outcome().thenApply(history::report);
  }

  /** Runs whose journal has no final outcome: they died with the process. Oldest first. */
  public List<UnfinishedRun> unfinishedRuns() {
    return journal.unfinished().stream().filter(r -> !active.containsKey(r.runId())).toList();
  }

  /**
   * Deletes a run's journal: after its outcome was acknowledged, or before it is retried from
   * scratch. Returns whether there was one.
   *
   * @throws IllegalStateException if the run is running
   */
  public boolean forget(String runId) {
    if (active.containsKey(runId)) {
      throw new IllegalStateException("run " + runId + " is running; cancel it first");
    }
    return journal.delete(runId);
  }

  /** Counters of runs and journal writes, for metrics. */
  public EngineStats stats() {
    return stats;
  }

  /** The most run threads alive at once so far (they are reused): for tests. */
  int mostRunThreadsAlive() {
    return runThreads.getLargestPoolSize();
  }

  /** Number of runs executing now. */
  public int activeRuns() {
    return active.size();
  }

  /**
   * Stops every run (they fail with {@link FailureKind#SHUTDOWN} and stay resumable), waits for
   * them at most the stop grace, publishes buffered progress and closes the journal.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<RunExecution> running = List.copyOf(active.values());
    running.forEach(r -> r.requestStop(FailureKind.SHUTDOWN, "engine shut down"));
    long deadline = System.nanoTime() + config.stopGrace().toNanos() + TimeUnit.SECONDS.toNanos(1);
    for (RunExecution r : running) {
      try {
        r.outcome().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | TimeoutException e) {
        // crashed by a test hook, or abandoned: nothing more to wait for
      }
    }
    flusher.shutdownNow();
    timers.shutdownNow();
    runThreads.shutdownNow();
    http.close();
    progress.flushAll();
    journal.close();
  }

  private static java.util.concurrent.ThreadFactory runThread(long stackSize) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(null, r, "wf-run-" + n.incrementAndGet(), stackSize);
      t.setDaemon(true);
      return t;
    };
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
