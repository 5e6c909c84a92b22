package io.mvmci.worker;

import io.mvmci.command.JobRef;
import io.mvmci.command.Result;
import io.mvmci.worker.RunTable.Run;
import io.mvmci.workflow.ModuleRef;
import io.mvmci.workflow.RunSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obtains claims and keeps them: at start it resumes the runs whose claims are still current, then
 * one claim thread waits for free slots and claims that many jobs at once (backing off while the
 * queue cannot be reached), and the heartbeat thread renews the leases of every run held, stopping
 * the runs whose claims the queue answers are stale. Each run's {@link Lease} learns when the claim
 * or heartbeat that renewed it was sent; a run whose bound has passed has a heartbeat sent at once
 * ({@link #renew}). Heartbeats go one at a time, so each is answered before the next is sent.
 */
final class ClaimLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ClaimLoop.class);
  /** How long one claim call may wait for work before the loop goes round again. */
  static final Duration IDLE_WAIT = Duration.ofSeconds(5);

  private final WorkerSettings settings;
  private final WorkTransport transport;
  private final RunTable runs;
  private final Reporter reporter;
  private final ScheduledExecutorService heartbeats;
  private final Thread claimer;
  private final ResumeLog resumeLog;
  /** Held while a heartbeat is in flight. */
  private final ReentrantLock beating = new ReentrantLock();
  private volatile boolean stopping;
  private volatile boolean started;
  /** Whether the transport waits for work apart from a claim, so the claimer waits holding no slot. */
  private final boolean apart;
  private final java.util.concurrent.atomic.AtomicLong eagerStarts = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicBoolean leaseWarned = new java.util.concurrent.atomic.AtomicBoolean();

  ClaimLoop(WorkerSettings settings, WorkTransport transport, RunTable runs,
      Reporter reporter, ScheduledExecutorService heartbeats) {
    this.settings = settings;
    this.transport = transport;
    this.runs = runs;
    this.reporter = reporter;
    this.heartbeats = heartbeats;
    this.claimer = Threads.named("worker-claim").newThread(this::claimLoop);
    this.resumeLog = new ResumeLog(settings.resumeLog());
    this.apart = transport.waitsApart();
  }

  /**
   * Starts heartbeating, resumes the runs this worker held when it stopped (so their leases are renewed
   * while their modules are made ready), then starts claiming.
   */
  void start() {
    heartbeats.scheduleWithFixedDelay(this::heartbeat, 0, settings.heartbeatMs(), TimeUnit.MILLISECONDS);
    resumeUnfinished();
    claimer.start();
    started = true;
  }

  /** No new claims from now on; heartbeats go on until the heartbeat thread is shut down. */
  void stop() {
    stopping = true;
    claimer.interrupt();
  }

  /**
   * The claims this worker still holds (it stopped, or its process died, while they ran): each run
   * resumes from its replicated history, replaying what it recorded. Claims that went stale meanwhile
   * are not listed; other workers resume those. A claim that was being resumed when the process last
   * stopped without a word is quarantined rather than resumed again ({@link ResumeLog}): a run that
   * crashes its worker must not crash it at every start. Claims beyond the free slots are handed back.
   */
  private void resumeUnfinished() {
    Set<String> cutShort = resumeLog.previous();
    List<Start> resuming = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    for (Result.ClaimedJob job : claimsHeldUntilAnswered()) {
      String id = RunIds.of(job.ref());
      if (cutShort.contains(id)) {
        LOG.warn("{} was being resumed when this worker last stopped without a word; quarantined: reported"
            + " failed (a counted attempt) instead of resumed again", id);
        reporter.quarantine(runs.add(job.ref(), job.failures(), false));
        continue;
      }
      if (!runs.tryTakeSlot()) {
        LOG.warn("{}: no free slot to resume it in (fewer slots than before?); handed back", id);
        reporter.handBack(runs.add(job.ref(), job.failures(), false));
        continue;
      }
      Run run = runs.add(job.ref(), job.failures(), true);
      resuming.add(new Start(run, job, spec(run, job, null)));
      ids.add(id);
    }
    resumeLog.record(ids); // before any of them runs: a crash from here on quarantines them at the next start
    for (Start s : resuming) {
      LOG.info("resuming {} from its history ({} steps)", s.run().runId, s.job().historySteps());
      prepareAndLaunch(s);
    }
  }

  /** A clean stop: nothing this worker resumed was cut short by a crash. */
  void stoppedCleanly() {
    resumeLog.clear();
  }

  /** At start-up the queue may not be reachable yet (a node still joining); wait for it, bounded. */
  private List<Result.ClaimedJob> claimsHeldUntilAnswered() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.leaseMs() * 4);
    while (true) {
      try {
        return transport.claimsHeld();
      } catch (WorkException e) {
        if (System.nanoTime() > deadline) {
          LOG.warn("could not list the claims to resume ({}); their leases will expire", e.getMessage());
          return List.of();
        }
        Threads.pause(200);
      }
    }
  }

  /**
   * What to run for a claimed job: its exact module version, its history kept in the queue, its lease
   * counted from {@code claimSent} (null: a resumed claim, whose lease is unknown).
   */
  private RunSpec spec(Run run, Result.ClaimedJob job, Long claimSent) {
    ModuleRef module = job.moduleSha256() == null ? ModuleRef.latest(job.workflow())
        : ModuleRef.exact(job.workflow(), job.moduleSha256());
    run.history = new ReplicatedHistory(transport, job.ref(), job.execution(), job.historySteps());
    run.lease = new Lease(job.ref(), leaseMs(), claimSent, this::renew);
    return new RunSpec(run.runId, module, job.input().getBytes(StandardCharsets.UTF_8),
        Duration.ofMillis(job.timeoutMs()))
        .withHistory(run.history)
        .withServices(new ClusterServices(transport, job.ref(), job.execution(), settings.suspendAfterMs(),
            run.lease));
  }

  private void claimLoop() {
    long failures = 0;
    while (!stopping) {
      int free;
      try {
        free = runs.takeFreeSlots();
      } catch (InterruptedException e) {
        return;
      }
      List<Result.ClaimedJob> jobs;
      long sent = System.nanoTime();
      try {
        long seen = transport.workSeen();
        jobs = transport.claim(free, apart ? Duration.ZERO : IDLE_WAIT);
        failures = 0;
        if (apart && jobs.isEmpty()) {
          // wait holding no slot, so that an eager start can take one
          runs.giveBackSlots(free);
          free = 0;
          transport.awaitWork(seen, IDLE_WAIT);
          continue;
        }
      } catch (WorkException e) {
        runs.giveBackSlots(free);
        LOG.debug("claim failed: {}", e.getMessage());
        Threads.pause(Math.min(2_000, 100L << Math.min(failures++, 5)));
        continue;
      } catch (RuntimeException e) {
        runs.giveBackSlots(free);
        LOG.warn("claim failed", e);
        Threads.pause(1_000);
        continue;
      }
      runs.giveBackSlots(free - jobs.size());
      launch(jobs, sent);
    }
  }

  /** Runs the jobs claimed with a claim sent at {@code sent} (nanoTime), one held slot each. */
  private void launch(List<Result.ClaimedJob> jobs, long sent) {
    List<Start> claimed = new ArrayList<>(jobs.size());
    for (Result.ClaimedJob job : jobs) {
      Run run = runs.add(job.ref(), job.failures(), true);
      if (stopping) {
        reporter.handBack(run);
        continue;
      }
      claimed.add(new Start(run, job, spec(run, job, sent)));
    }
    claimed.forEach(this::prepareAndLaunch);
  }

  /** A claimed job about to start: its slot's run, the claim, and what the engine runs. */
  private record Start(Run run, Result.ClaimedJob job, RunSpec spec) {}

  /**
   * Starts a run whose claim the heartbeats already renew, once what it needs is here (a remote worker
   * fetches and compiles its module now, not while the claim went unrenewed); a run whose module cannot
   * be had is reported failed without starting.
   */
  private void prepareAndLaunch(Start s) {
    try {
      transport.prepare(s.job());
    } catch (WorkException e) {
      LOG.warn("{}: could not make its module ready: {}", s.run().runId, e.getMessage());
      reporter.notStarted(s.run(), "could not make its module ready: " + e.getMessage());
      return;
    }
    reporter.launch(s.run(), s.spec());
  }

  /**
   * The lease a new claim counts on: this worker's setting, or the control plane's {@code lease_ms} when
   * that is shorter (a worker started with a longer {@code --lease-ms} would otherwise count on time its
   * claim no longer has, and send a request its next holder may also send).
   */
  long leaseMs() {
    long configured = settings.leaseMs();
    java.util.OptionalLong told = transport.leaseMs();
    if (told.isEmpty() || told.getAsLong() >= configured) {
      return configured;
    }
    long lease = told.getAsLong();
    if (leaseWarned.compareAndSet(false, true)) {
      LOG.warn("the control plane's lease is {} ms, shorter than this worker's {} ms (--lease-ms): its lease check"
          + " counts on {} ms{}", lease, configured, lease, 2 * settings.heartbeatMs() > lease
          ? "; heartbeats every " + settings.heartbeatMs() + " ms cannot keep such a lease: restart the worker with"
          + " --lease-ms " + lease : "");
    }
    return lease;
  }

  /**
   * For an eager start: one free slot, taken for a claim that rides on a submission, or false when
   * none is free or the worker does not claim (not started, stopping). The caller then passes the
   * claim's answer to {@link #eagerClaimed}, which runs what it took or gives the slot back.
   */
  boolean takeEagerSlot() {
    return started && !stopping && runs.tryTakeSlot();
  }

  /**
   * What the claim of an eager start took, sent at {@code sent} (nanoTime): at most one job, run in the
   * slot {@link #takeEagerSlot} took; null if its outcome is unknown (the slot is freed; a claim that did
   * apply expires with its lease and the job runs again elsewhere, as after any lost claim).
   */
  void eagerClaimed(List<Result.ClaimedJob> jobs, long sent) {
    if (jobs == null || jobs.isEmpty()) {
      runs.giveBackSlots(1);
      return;
    }
    if (jobs.size() != 1) {
      throw new IllegalStateException("an eager start claims one job, not " + jobs.size());
    }
    eagerStarts.incrementAndGet();
    launch(jobs, sent);
  }

  /** Jobs started by a claim that rode on their submission. */
  long eagerStarts() {
    return eagerStarts.get();
  }

  private void heartbeat() {
    try {
      beating.lockInterruptibly();
    } catch (InterruptedException e) {
      return; // the worker is stopping
    }
    try {
      beat();
    } catch (WorkException e) {
      LOG.debug("heartbeat failed: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("heartbeat failed", e);
    } finally {
      beating.unlock();
    }
  }

  /**
   * A heartbeat now, for a run whose lease bound has passed ({@link Lease#holds}), unless another
   * renewed it while this one waited for its turn.
   *
   * @throws WorkException if the queue cannot be reached
   */
  private void renew(Lease lease) throws InterruptedException {
    beating.lockInterruptibly();
    try {
      if (!lease.live()) {
        beat();
      }
    } finally {
      beating.unlock();
    }
  }

  /** Renews the leases of every run held; stops the runs whose claims are stale. */
  private void beat() {
    long sent = System.nanoTime();
    List<JobRef> held = runs.refs();
    List<JobRef> stale = transport.heartbeat(held, settings.capacity());
    stale.forEach(runs::stopStale);
    runs.renewed(held, stale, sent);
  }
}
