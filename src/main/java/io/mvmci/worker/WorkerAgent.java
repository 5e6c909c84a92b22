package io.mvmci.worker;

import io.mvmci.command.Result;
import io.mvmci.workflow.ProgressUpdate;
import io.mvmci.workflow.WorkflowEngine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * A worker: claims jobs through a {@link WorkTransport}, runs each in the {@link WorkflowEngine},
 * keeps its claims alive with heartbeats, and reports each outcome under the claim's fencing token.
 * It wires three parts, each with one job: the {@link ClaimLoop} (claims, resumption, heartbeats),
 * the {@link Reporter} (runs' outcomes) and the {@link RunTable} (runs and slots). See package-info
 * for the threading and failure model.
 */
public final class WorkerAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerAgent.class);
  /** How long a stopping worker waits for the hand-backs of the runs it interrupted. */
  static final Duration HAND_BACK_WAIT = Duration.ofSeconds(10);

  private final WorkerSettings settings;
  private final WorkTransport transport;
  private final RunTable runs;
  private final ProgressOutbox outbox;
  private final ScheduledExecutorService heartbeats;
  private final Reporter reporter;
  private final ClaimLoop claims;

  public WorkerAgent(WorkerSettings settings, WorkTransport transport, WorkflowEngine engine,
      ObjectMapper json) {
    this.settings = settings;
    this.transport = transport;
    this.runs = new RunTable(settings.capacity(), engine);
    this.outbox = new ProgressOutbox(transport, runs::stopStale);
    this.heartbeats = Executors.newSingleThreadScheduledExecutor(Threads.named("worker-heartbeat"));
    this.reporter = new Reporter(settings, transport, engine, json, runs, outbox, heartbeats);
    this.claims = new ClaimLoop(settings, transport, runs, reporter, heartbeats);
  }

  /** Resumes the runs this worker held when it stopped, then starts claiming and heartbeating. */
  public void start() {
    claims.start();
  }

  public String workerId() {
    return transport.workerId();
  }

  /**
   * For an eager start ({@link io.mvmci.command.SubmitAndClaim}): takes one free slot for a claim that
   * rides on a submission; false when none is free or the worker does not claim (not started yet,
   * claims paused, stopping). Every true is followed by one {@link #eagerClaimed}.
   */
  public boolean takeEagerSlot() {
    return claims.takeEagerSlot();
  }

  /**
   * The answer to an eager start's claim, sent at {@code sentNanos} (System.nanoTime): the job it took
   * is run in the slot taken for it; none (or null: outcome unknown) frees the slot. Quick: safe on the
   * thread that completes the entry.
   */
  public void eagerClaimed(List<Result.ClaimedJob> jobs, long sentNanos) {
    claims.eagerClaimed(jobs, sentNanos);
  }

  /** Jobs this worker started from a claim that rode on their submission. */
  public long eagerStarts() {
    return claims.eagerStarts();
  }

  /**
   * The lease a new claim counts on in the lease check: the worker's own, or the control plane's when
   * that is shorter.
   */
  long leaseMs() {
    return claims.leaseMs();
  }

  /** Runs in progress here (including ones whose outcome is still being reported). */
  public int running() {
    return runs.size();
  }

  /** The job was cancelled (seen in the replicated log): stop its run now if it runs here. */
  public void cancelled(long seq) {
    runs.cancelled(seq);
  }

  /** Where the engine's coalesced progress goes: into each run's buffer, then the outbox. */
  public void publish(List<ProgressUpdate> updates) {
    for (ProgressUpdate u : updates) {
      RunTable.Run run = runs.current(RunIds.parse(u.runId()));
      if (run != null) {
        run.progress.merge(u);
      }
    }
    outbox.schedule(runs::progress);
  }

  /**
   * Stops claiming, lets runs finish for the shutdown grace, then cancels the rest and hands them
   * back to the queue (not counted as failures).
   */
  @Override
  public void close() {
    claims.stop();
    runs.awaitBelow(1, settings.shutdownGrace());
    runs.stopAll(RunTable.Stop.RELEASE);
    runs.awaitBelow(1, HAND_BACK_WAIT);
    heartbeats.shutdownNow();
    outbox.close();
    reporter.close();
    if (runs.size() > 0) {
      LOG.warn("stopped with {} runs unreported; their leases will expire", runs.size());
    }
    claims.stoppedCleanly();
  }
}
