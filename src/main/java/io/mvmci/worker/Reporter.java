package io.mvmci.worker;

import io.mvmci.command.AppendSteps;
import io.mvmci.command.Result;
import io.mvmci.job.JobId;
import io.mvmci.worker.RunTable.Run;
import io.mvmci.worker.RunTable.Stop;
import io.mvmci.workflow.FailureKind;
import io.mvmci.workflow.RunOutcome;
import io.mvmci.workflow.RunSpec;
import io.mvmci.workflow.WorkflowEngine;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.ObjectMapper;

/**
 * Starts each run in the engine and reports how it ended, under the claim's fencing token: a final
 * report is sent again every {@value #RETRY_MS} ms while the queue cannot be reached, and only an
 * answer (accepted, or refused as stale) makes the run {@link RunTable#done done}.
 *
 * <p>Threads: a pool of reporting threads (one per slot) for reports that block, and one settling
 * thread for what follows each answer (it never blocks). A retry waits on the worker's heartbeat
 * thread, then goes back to a reporting thread.
 */
final class Reporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Reporter.class);
  static final long RETRY_MS = 500;

  private final WorkerSettings settings;
  private final WorkTransport transport;
  private final WorkflowEngine engine;
  private final ObjectMapper json;
  private final RunTable runs;
  private final ProgressOutbox outbox;
  private final ScheduledExecutorService timer;
  private final ExecutorService reporter;
  private final ExecutorService settler;

  Reporter(WorkerSettings settings, WorkTransport transport, WorkflowEngine engine, ObjectMapper json,
      RunTable runs, ProgressOutbox outbox, ScheduledExecutorService timer) {
    this.settings = settings;
    this.transport = transport;
    this.engine = engine;
    this.json = json;
    this.runs = runs;
    this.outbox = outbox;
    this.timer = timer;
    // A thread per slot: a run keeps its slot until its outcome is accepted, so reports in flight
    // never outnumber slots, and a blocking report (a remote worker's HTTP call; a failure or a
    // hand-back) waits without using CPU. With 8 threads for 32 slots, finished runs queued for a
    // reporter while holding their slots: the lifecycle benchmark ran at 1,443 jobs/s, not 2,191.
    // An embedded worker's completions do not wait on a thread at all (completeAsync).
    this.reporter = Executors.newFixedThreadPool(Math.max(8, settings.capacity()),
        Threads.named("worker-report"));
    // What follows a report's answer never blocks, so one thread does it all: an entry's answers
    // arrive together, and one busy thread takes them in turn where a pool woke a parked thread
    // for each (futex wake-ups were a tenth of a node's CPU in the lifecycle benchmark).
    this.settler = Executors.newSingleThreadExecutor(Threads.named("worker-settle"));
  }

  /** Starts {@code run} in the engine; its outcome is reported when it ends. */
  void launch(Run run, RunSpec spec) {
    try {
      run.handle = engine.start(spec);
    } catch (RuntimeException e) {
      LOG.warn("could not start {}", run.runId, e);
      notStarted(run, "could not start the run: " + e.getMessage());
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

  /** Reports {@code run} failed without having started it (a host error: a counted attempt). */
  void notStarted(Run run, String reason) {
    reporter.execute(() -> finish(run, new RunOutcome.Failed(FailureKind.HOST_ERROR, reason)));
  }

  /**
   * Reports {@code run} failed without running it: it was being resumed when this worker last stopped
   * without a word, so it may be what stopped it. A counted attempt, retried after the usual backoff.
   */
  void quarantine(Run run) {
    long delay = Backoff.delayMs(run.failures + 1, settings.backoffBaseMs(), settings.backoffMaxMs(),
        ThreadLocalRandom.current());
    reporter.execute(() -> report(run, () -> transport.fail(run.ref, "quarantined: the worker stopped (killed, or"
        + " crashed) while it resumed this run after an earlier stop, so it was not resumed again", true, delay,
        null)));
  }

  /** Hands back a job claimed while the worker was stopping, without running it. */
  void handBack(Run run) {
    reporter.execute(() -> report(run, () -> transport.release(run.ref, "worker is stopping")));
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
        runs.done(run);
        return;
      }
      outbox.flush(run.progress);
      if (outcome instanceof RunOutcome.Succeeded s) {
        LOG.debug("{} succeeded; reporting it complete", run.runId);
        String output = Outcomes.outputJson(s.output(), json);
        reportAsync(run, () -> transport.completeAsync(run.ref, output));
      } else if (outcome instanceof RunOutcome.Suspended w) {
        LOG.debug("{} waits for {}; giving its slot back", run.runId, w.waitingFor());
        suspend(run, w);
      } else {
        RunOutcome.Failed f = (RunOutcome.Failed) outcome;
        if (run.stop == Stop.RELEASE || f.kind() == FailureKind.SHUTDOWN) {
          LOG.info("{} stopped with the worker; handing it back", run.runId);
          report(run, () -> transport.release(run.ref, "worker is stopping"));
        } else if (f.kind() == FailureKind.CANCELLED || f.kind() == FailureKind.CLAIM_LOST) {
          LOG.info("{} stopped: {}", run.runId, f.reason());
          runs.done(run);
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

  /**
   * Reports a suspension with the run's last history writes, in one command. A history limit the
   * writes break fails the run for good, as it would have failed when recording them.
   */
  private void suspend(Run run, RunOutcome.Suspended w) {
    List<AppendSteps.Write> writes = run.history == null ? List.of() : run.history.takePending();
    reportAsync(run, () -> transport.suspendAsync(run.ref, w.waitingFor(), w.wakeAt(), w.signalsAfter(), writes)
        .thenApply(r -> {
          if (r instanceof Result.Rejected rejected && rejected.reason() == Result.Reason.LIMIT) {
            LOG.info("{}: its wait breaks a history limit; failing it", run.runId);
            return transport.fail(run.ref, Outcomes.error(FailureKind.HISTORY_LIMIT, rejected.message()), false, 0,
                null);
          }
          return r instanceof Result.Done;
        }));
  }

  private interface Report {
    boolean send();
  }

  /** Sends a final report; retries while the queue is unreachable; then the run is done. */
  private void report(Run run, Report report) {
    reportAsync(run, () -> CompletableFuture.completedFuture(report.send()));
  }

  /**
   * Sends a final report whose answer may come later, retrying while the queue cannot be reached;
   * then the run is done. No reporting thread waits for a commit, and what follows the answer runs
   * on the settling thread (never on the thread that completed the commit, a Raft thread for the
   * embedded worker).
   */
  private void reportAsync(Run run, Supplier<CompletableFuture<Boolean>> send) {
    run.reporting = true;
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
        runs.done(run);
        return;
      }
      Throwable cause = unwrap(error);
      if (reporter.isShutdown()) {
        return;
      }
      if (cause instanceof WorkException) {
        LOG.debug("{}: report failed, retrying: {}", run.runId, cause.getMessage());
      } else {
        LOG.warn("{}: report failed, retrying", run.runId, cause);
      }
      timer.schedule(() -> reportingThread(() -> reportAsync(run, send)), RETRY_MS, TimeUnit.MILLISECONDS);
    }, this::settlingThread);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
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

  @Override
  public void close() {
    reporter.shutdownNow();
    settler.shutdownNow();
  }
}
