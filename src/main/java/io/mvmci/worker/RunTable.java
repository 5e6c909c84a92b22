package io.mvmci.worker;

import io.mvmci.command.JobRef;
import io.mvmci.workflow.RunHandle;
import io.mvmci.workflow.WorkflowEngine;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs a worker holds, keyed by job, and the slots they hold. A run is in the table from its
 * claim (or resumption) until its outcome is accepted or found stale ({@link #done}); a run that took
 * a slot (a permit of {@code capacity}) holds it for as long. Stopping a run early is recorded on it
 * and passed to its engine handle; the reporter reads the record when the run ends.
 */
final class RunTable {
  private static final Logger LOG = LoggerFactory.getLogger(RunTable.class);

  /** Why a run is being stopped early, if it is. */
  enum Stop { NONE, STALE, RELEASE }

  static final class Run {
    final JobRef ref;
    final String runId;
    final int failures;
    final boolean ownsSlot;
    volatile RunHandle handle;
    /** The run's replicated history, once its spec is made: a suspension carries its last writes. */
    volatile ReplicatedHistory history;
    /** What the worker knows of the claim's lease, once its spec is made. */
    volatile Lease lease;
    volatile Stop stop = Stop.NONE;
    /**
     * The run's final report (its outcome, a failure, a hand-back) is being sent, so nothing of it runs.
     * Its claim may be found stale in the meantime (a suspension that applied before a heartbeat listing
     * the run, most often), and there is then nothing to stop: the report's own answer settles it.
     */
    volatile boolean reporting;
    final RunProgress progress;

    Run(JobRef ref, int failures, boolean ownsSlot) {
      this.ref = ref;
      this.runId = RunIds.of(ref);
      this.failures = failures;
      this.ownsSlot = ownsSlot;
      this.progress = new RunProgress(ref);
    }
  }

  private final Map<Long, Run> runs = new ConcurrentHashMap<>();
  private final Semaphore slots;
  private final WorkflowEngine engine;

  RunTable(int capacity, WorkflowEngine engine) {
    this.slots = new Semaphore(capacity);
    this.engine = engine;
  }

  /** Waits until a slot is free, then takes every free slot; answers how many it took. */
  int takeFreeSlots() throws InterruptedException {
    slots.acquire();
    return 1 + slots.drainPermits();
  }

  void giveBackSlots(int n) {
    slots.release(n);
  }

  boolean tryTakeSlot() {
    return slots.tryAcquire();
  }

  Run add(JobRef ref, int failures, boolean ownsSlot) {
    Run run = new Run(ref, failures, ownsSlot);
    runs.put(ref.seq(), run);
    return run;
  }

  /** The run of {@code ref}'s claim, or null if this worker holds no run of that claim. */
  Run current(JobRef ref) {
    Run run = ref == null ? null : runs.get(ref.seq());
    return run != null && run.ref.equals(ref) ? run : null;
  }

  int size() {
    return runs.size();
  }

  List<JobRef> refs() {
    return runs.values().stream().map(r -> r.ref).toList();
  }

  List<RunProgress> progress() {
    return runs.values().stream().map(r -> r.progress).toList();
  }

  /**
   * A heartbeat sent at {@code sentNanos} for {@code held} was accepted: every claim of it but the
   * {@code stale} ones had its lease renewed.
   */
  void renewed(List<JobRef> held, List<JobRef> stale, long sentNanos) {
    Set<JobRef> lost = new HashSet<>(stale);
    for (JobRef ref : held) {
      Run run = current(ref);
      Lease lease = run == null ? null : run.lease;
      if (lease != null && !lost.contains(ref)) {
        lease.renewed(sentNanos);
      }
    }
  }

  /** The job was cancelled: stop its run, whatever its claim, if it runs here. */
  void cancelled(long seq) {
    Run run = runs.get(seq);
    if (run != null) {
      stop(run, Stop.STALE);
    }
  }

  /** The queue found {@code ref}'s claim stale: stop its run if it is still the current one. */
  void stopStale(JobRef ref) {
    Run run = current(ref);
    if (run != null && run.reporting) {
      LOG.debug("{}: claim found stale while its outcome is reported; the report's answer settles it", run.runId);
    } else if (run != null) {
      LOG.info("{}: claim is stale (cancelled, expired or taken over); stopping the run", run.runId);
      stop(run, Stop.STALE);
    }
  }

  void stop(Run run, Stop why) {
    run.stop = why;
    RunHandle h = run.handle;
    if (h != null) {
      h.cancel();
    }
  }

  void stopAll(Stop why) {
    for (Run run : runs.values()) {
      stop(run, why);
    }
  }

  /**
   * The run's outcome was accepted or found stale: it leaves the table and its slot goes. Its history
   * stays in the queue with the job (retention deletes it), so nothing is forgotten here.
   */
  void done(Run run) {
    if (runs.remove(run.ref.seq(), run)) {
      if (run.ownsSlot) {
        slots.release();
      }
      synchronized (runs) {
        runs.notifyAll();
      }
    }
  }

  /** Waits until fewer than {@code n} runs are held, or {@code limit} passes. */
  void awaitBelow(int n, Duration limit) {
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
}
