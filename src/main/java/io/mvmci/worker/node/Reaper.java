package io.mvmci.worker.node;

import io.mvmci.command.ExpireLeases;
import io.mvmci.command.PurgeJobs;
import io.mvmci.command.Result;
import io.mvmci.replication.RaftNode;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the jobs of dead workers back to the queue. It runs on every node but acts only on the
 * leader, and only when the leader's copy shows a lease that ran out or a silent worker, so an idle
 * cluster writes nothing. The time it stamps is the leader's.
 *
 * <p>A node that has just become leader waits one lease before it reaps anything: while there was
 * no leader nobody could heartbeat, and a worker restarted with the cluster must get the chance to
 * renew the claims it resumes.
 *
 * <p>Bound: a job whose worker died is runnable again at most {@code lease + interval} (plus one
 * commit) after the worker's last heartbeat, assuming the nodes' clocks agree, or one lease after a
 * new leader took over, whichever is later.
 *
 * <p>Retention (when set): the leader also deletes finished jobs older than the retention, at most
 * {@value #PURGE_BATCH} per log entry, looking again at once after a full batch and otherwise every
 * {@value #PURGE_EVERY_MS} ms, so a large backlog drains without one huge entry.
 */
public final class Reaper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);

  private final RaftNode node;
  private final Clock clock;
  private final long intervalMs;
  private final long deadAfterMs;
  private final ScheduledExecutorService timer;
  static final int PURGE_BATCH = 1000;
  static final long PURGE_EVERY_MS = 10_000;
  /** Finished jobs older than this are deleted; 0 keeps them. */
  private final long retentionMs;
  private long nextPurgeAt;
  /** When this node was first seen leading in the current term, or -1. */
  private long leaderSince = -1;
  private long leaderTerm = -1;

  /**
   * @param deadAfterMs the lease: a worker silent this long is dead, and a new leader waits this long
   * @param retentionMs finished jobs older than this are deleted; 0 keeps them forever
   */
  public Reaper(RaftNode node, Clock clock, long intervalMs, long deadAfterMs, long retentionMs) {
    this.retentionMs = retentionMs;
    this.node = node;
    this.clock = clock;
    this.intervalMs = intervalMs;
    this.deadAfterMs = deadAfterMs;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "reaper");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts reaping; call it once this node's own worker has resumed what it held. */
  public void start() {
    timer.scheduleWithFixedDelay(this::tick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  void tick() {
    try {
      long now = clock.millis();
      if (!node.isLeader()) {
        leaderSince = -1;
        return;
      }
      long term = node.currentTerm();
      if (leaderSince < 0 || term != leaderTerm) {
        leaderSince = now;
        leaderTerm = term;
      }
      if (now - leaderSince < deadAfterMs) {
        return;
      }
      long deadBefore = now - deadAfterMs;
      if (node.stateMachine().queries().needsReaping(now, deadBefore)) {
        node.submit(new ExpireLeases(now, deadBefore)).get(10, TimeUnit.SECONDS);
      }
      if (retentionMs > 0 && now >= nextPurgeAt) {
        purge(now);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("reaper: {}", e.getMessage());
    }
  }

  private void purge(long now) throws Exception {
    long before = now - retentionMs;
    int purged = 0;
    if (node.stateMachine().queries().hasPurgeable(before)) {
      Result r = node.submit(new PurgeJobs(now, before, PURGE_BATCH)).get(10, TimeUnit.SECONDS);
      purged = r instanceof Result.Purged p ? p.jobs() : 0;
      LOG.info("retention: deleted {} jobs that finished before {}", purged, java.time.Instant.ofEpochMilli(before));
    }
    nextPurgeAt = purged >= PURGE_BATCH ? now : now + PURGE_EVERY_MS;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
