package io.mvmci.workflow;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One execution of a run, on a thread of the engine's run pool: resolves the module (pinned to the version in the
 * journal when resuming), instantiates it, calls {@code _initialize} and {@code run}, and
 * settles the outcome exactly once.
 *
 * <p>Invariant: the outcome is settled once, by the run thread, or by the watchdog when a
 * stopped run does not stop within the grace period. Settling records a final outcome in the
 * journal, publishes the run's last progress, then completes the future.
 *
 * <p>Run threads are pooled (starting a thread with a deep stack cost more than a no-op run). A stop
 * request interrupts the thread only while it runs this execution: {@link #runner} is set and
 * cleared under this object's lock, and the interrupt is sent under it, so an interrupt meant for
 * this run never reaches the next run on the same thread.
 */
final class RunExecution implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(RunExecution.class);
  /** How long a run waits for the exact module version it names to be compiled on this node. */
  static final java.time.Duration MODULE_WAIT = java.time.Duration.ofSeconds(30);

  /** What every execution of an engine shares. */
  record Context(EngineConfig config, ModuleRegistry modules, Journal journal, EngineStats stats, HostServices services,
      StepHook hook, ScheduledExecutorService timers, Consumer<RunExecution> onSettled) {}

  private final Context ctx;
  private final RunSpec spec;
  private final CompletableFuture<RunOutcome> outcome = new CompletableFuture<>();
  /** The run's host functions once it got that far; read for the output of a failed run. */
  private volatile HostFunctions host;
  private final AtomicReference<RunOutcome.Failed> stop = new AtomicReference<>();
  private final AtomicBoolean settled = new AtomicBoolean();
  /** The thread running this execution, while it does; guarded by {@code this}. */
  private Thread runner;
  private volatile ScheduledFuture<?> timeout;
  /** The run's cursor over its history, once it got that far. */
  private volatile RunJournal steps;

  /** A module resolved before the run (a replay against a version that is not deployed), or null. */
  private final WorkflowModule given;

  RunExecution(Context ctx, RunSpec spec) {
    this(ctx, spec, null);
  }

  RunExecution(Context ctx, RunSpec spec, WorkflowModule given) {
    this.ctx = ctx;
    this.spec = spec;
    this.given = given;
  }

  String runId() {
    return spec.runId();
  }

  CompletableFuture<RunOutcome> outcome() {
    return outcome;
  }

  /** Hands the run to a thread of {@code threads}; throws if none can be had. */
  void start(Executor threads) {
    threads.execute(this);
    Duration limit = spec.timeout() != null ? spec.timeout() : ctx.config().defaultTimeout();
    timeout = ctx.timers().schedule(
        () -> requestStop(FailureKind.TIMEOUT, "timed out after " + seconds(limit)),
        limit.toNanos(), TimeUnit.NANOSECONDS);
    if (settled.get()) {
      timeout.cancel(false);
    }
  }

  /**
   * Asks the run to stop: its host functions refuse further calls and its thread is interrupted.
   * The first request wins; none has effect once the outcome is settled.
   */
  void requestStop(FailureKind kind, String reason) {
    if (settled.get() || !stop.compareAndSet(null, new RunOutcome.Failed(kind, reason))) {
      return;
    }
    synchronized (this) {
      if (runner != null) {
        runner.interrupt();
      }
    }
    Duration grace = ctx.config().stopGrace();
    ctx.timers().schedule(() -> {
      if (!settled.get()) {
        LOG.error("run {} did not stop within {} after it was asked to; abandoning its thread",
            runId(), seconds(grace));
        settle(new RunOutcome.Failed(kind, reason + " (the guest did not stop within " + seconds(grace)
            + "; its thread was abandoned)"), false);
      }
    }, grace.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void run() {
    Thread self = Thread.currentThread();
    String idleName = self.getName();
    self.setName("wf-run " + runId());
    synchronized (this) {
      runner = self;
    }
    try {
      runHere();
    } finally {
      synchronized (this) {
        runner = null;
      }
      Thread.interrupted();
      self.setName(idleName);
      MDC.remove("run_id");
    }
  }

  private void runHere() {
    MDC.put("run_id", runId());
    RunOutcome result;
    boolean recorded = false;
    try {
      if (spec.history() != null) {
        result = executeWith(spec.history());
      } else {
        Optional<Journal.RunRecord> record = ctx.journal().read(runId());
        if (record.isPresent() && record.get().outcome() != null) {
          result = record.get().outcome();
          recorded = true;
        } else {
          result = execute(record.orElse(null));
        }
      }
    } catch (StepHook.SimulatedCrash crash) {
      crashed(crash);
      return;
    } catch (RunAbort.Suspend suspend) {
      result = stop.get() != null ? stop.get() : suspend.outcome;
    } catch (Throwable t) {
      result = FailureClassifier.classify(t, stop.get());
      HostFunctions h = host;
      if (h != null && result instanceof RunOutcome.Failed f) {
        result = f.withOutput(h.output());
      }
    }
    Thread.interrupted();
    settle(result, recorded);
  }

  /** A run whose history is the engine's local journal. */
  private RunOutcome execute(Journal.RunRecord record) {
    ModuleRef wanted = record == null || spec.module().sha256() != null ? spec.module() : record.module();
    Optional<WorkflowModule> module;
    try {
      module = await(wanted);
    } catch (InterruptedException e) {
      return stop.get() != null ? stop.get() : failed(FailureKind.HOST_ERROR, "interrupted");
    }
    if (module.isEmpty()) {
      return failed(FailureKind.UNKNOWN_MODULE, "module " + wanted + " is not deployed on this node");
    }
    long runNo = record != null ? record.runNo()
        : ctx.journal().begin(runId(), module.get().ref(), spec.input(), ctx.services().clock().millis());
    return runModule(module.get(), new RunJournal(
        new LocalHistory(ctx.journal(), runNo, record == null ? List.of() : record.steps()), false, runId(),
        ctx.hook(), ctx.stats()));
  }

  /** A run whose history is kept outside the engine (a worker's replicated history). */
  private RunOutcome executeWith(RunHistory history) {
    Optional<WorkflowModule> module;
    try {
      module = given != null ? Optional.of(given) : await(spec.module());
    } catch (InterruptedException e) {
      return stop.get() != null ? stop.get() : failed(FailureKind.HOST_ERROR, "interrupted");
    }
    if (module.isEmpty()) {
      return failed(FailureKind.UNKNOWN_MODULE, "module " + spec.module() + " is not deployed on this node");
    }
    return runModule(module.get(), new RunJournal(history, true, runId(), ctx.hook(), ctx.stats()));
  }

  /**
   * The version {@code wanted} names; one named by its hash that this node is still compiling (a
   * deploy that just applied) is waited for: a run never falls back to another version.
   */
  private Optional<WorkflowModule> await(ModuleRef wanted) throws InterruptedException {
    return ctx.modules().await(wanted, MODULE_WAIT);
  }

  private RunOutcome runModule(WorkflowModule module, RunJournal steps) {
    if (stop.get() != null) {
      return stop.get();
    }
    CompiledCode code = module.code();
    int cap = ctx.config().memoryCapPages();
    if (code.initialPages() > cap) {
      return failed(FailureKind.RESOURCE_LIMIT, "module " + module + " needs " + code.initialPages()
          + " pages of memory to start; this node allows " + cap);
    }
    this.steps = steps;
    host = new HostFunctions(ctx.services(), runId(), spec.input(), steps,
        () -> stop.get() != null, spec.history() != null ? spec.services() : null);
    try {
      Instance instance = Instance.builder(code.wasm())
          .withMachineFactory(code.machines())
          .withImportValues(host.imports())
          .withMemoryFactory(this::cappedMemory)
          .withStart(false)
          .build();
      if (code.exportsInitialize()) {
        instance.export(AbiValidator.INITIALIZE_EXPORT).apply();
      }
      instance.export(AbiValidator.RUN_EXPORT).apply();
    } finally {
      host.closeArtifacts();
    }
    Optional<String> unreached = steps.firstUnreached();
    if (unreached.isPresent()) {
      return failed(FailureKind.NON_DETERMINISTIC, "non-deterministic workflow: " + unreached.get()
          + ", run returned");
    }
    return RunOutcome.succeeded(host.output());
  }

  private Memory cappedMemory(MemoryLimits limits) {
    int max = Math.min(limits.maximumPages(), ctx.config().memoryCapPages());
    return new ByteArrayMemory(new MemoryLimits(limits.initialPages(), max, limits.shared()));
  }

  private void settle(RunOutcome result, boolean alreadyRecorded) {
    if (!settled.compareAndSet(false, true)) {
      return;
    }
    ScheduledFuture<?> t = timeout;
    if (t != null) {
      t.cancel(false);
    }
    if (!(result instanceof RunOutcome.Suspended)) {
      flushHistory(); // a suspension's reporter makes the lazy steps durable with it (RunHistory)
    }
    if (spec.history() == null && result.isFinal() && !alreadyRecorded) {
      try {
        ctx.journal().finish(runId(), result, ctx.services().clock().millis());
      } catch (JournalException e) {
        LOG.error("run {} ended ({}) but its outcome could not be journaled; it will run again when"
            + " resumed", runId(), result, e);
      }
    }
    ctx.services().progress().flushRun(runId());
    ctx.onSettled().accept(this);
    outcome.complete(result);
  }

  /**
   * Makes the run's lazily recorded steps durable: at settle, before the outcome is reported, and
   * from the engine's flusher. A history that refuses is left to the run (or its successor).
   */
  void flushHistory() {
    RunJournal s = steps;
    if (s != null && spec.history() != null) {
      try {
        s.flush();
      } catch (HistoryException e) {
        LOG.debug("run {}: lazily recorded steps not written: {}", runId(), e.getMessage());
      }
    }
  }

  private void crashed(StepHook.SimulatedCrash crash) {
    settled.set(true);
    ScheduledFuture<?> t = timeout;
    if (t != null) {
      t.cancel(false);
    }
    ctx.services().progress().discard(runId());
    ctx.onSettled().accept(this);
    outcome.completeExceptionally(crash);
  }

  private static RunOutcome failed(FailureKind kind, String reason) {
    return new RunOutcome.Failed(kind, reason);
  }

  /** "300 s", "0.25 s": the form of the ABI's "timed out after 300 s". */
  static String seconds(Duration d) {
    return java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
  }
}
