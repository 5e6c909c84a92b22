package io.mvmci.worker;

import io.mvmci.command.JobRef;
import io.mvmci.command.Result;
import io.mvmci.worker.RunTable.Run;
import io.mvmci.workflow.ModuleRef;
import io.mvmci.workflow.RunSpec;
import io.mvmci.workflow.UnfinishedRun;
import io.mvmci.workflow.WorkflowEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obtains claims and keeps them: at start it resumes the runs whose claims are still current, then
 * one claim thread waits for free slots and claims that many jobs at once (backing off while the
 * queue cannot be reached), and the heartbeat thread renews the leases of every run held, stopping
 * the runs whose claims the queue answers are stale.
 */
final class ClaimLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ClaimLoop.class);
  /** How long one claim call may wait for work before the loop goes round again. */
  static final Duration IDLE_WAIT = Duration.ofSeconds(5);

  private final WorkerSettings settings;
  private final WorkTransport transport;
  private final WorkflowEngine engine;
  private final RunTable runs;
  private final Reporter reporter;
  private final ScheduledExecutorService heartbeats;
  private final Thread claimer;
  private volatile boolean stopping;

  ClaimLoop(WorkerSettings settings, WorkTransport transport, WorkflowEngine engine, RunTable runs,
      Reporter reporter, ScheduledExecutorService heartbeats) {
    this.settings = settings;
    this.transport = transport;
    this.engine = engine;
    this.runs = runs;
    this.reporter = reporter;
    this.heartbeats = heartbeats;
    this.claimer = Threads.named("worker-claim").newThread(this::claimLoop);
  }

  /** Resumes the runs this worker held when it stopped, then starts claiming and heartbeating. */
  void start() {
    resumeUnfinished();
    heartbeats.scheduleWithFixedDelay(this::heartbeat, 0, settings.heartbeatMs(), TimeUnit.MILLISECONDS);
    claimer.start();
  }

  /** No new claims from now on; heartbeats go on until the heartbeat thread is shut down. */
  void stop() {
    stopping = true;
    claimer.interrupt();
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
        runs.forget(u.runId());
        continue;
      }
      LOG.info("resuming {} from its journal", u.runId());
      Run run = runs.add(ref, 0, runs.tryTakeSlot());
      reporter.launch(run, u.toSpec());
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
        Threads.pause(200);
      }
    }
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
      try {
        jobs = transport.claim(free, IDLE_WAIT);
        failures = 0;
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
      List<Run> claimed = new ArrayList<>(jobs.size());
      List<RunSpec> specs = new ArrayList<>(jobs.size());
      for (Result.ClaimedJob job : jobs) {
        Run run = runs.add(job.ref(), job.failures(), true);
        if (stopping) {
          reporter.handBack(run);
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
        reporter.launch(claimed.get(i), specs.get(i));
      }
    }
  }

  private void heartbeat() {
    try {
      transport.heartbeat(runs.refs(), settings.capacity()).forEach(runs::stopStale);
    } catch (WorkException e) {
      LOG.debug("heartbeat failed: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("heartbeat failed", e);
    }
  }
}
