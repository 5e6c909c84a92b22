package io.mvmci.worker;

import io.mvmci.command.ClaimJobs;
import io.mvmci.command.Command;
import io.mvmci.command.CompleteJob;
import io.mvmci.command.FailJob;
import io.mvmci.command.Heartbeat;
import io.mvmci.command.JobRef;
import io.mvmci.command.ReleaseJob;
import io.mvmci.command.ReportProgress;
import io.mvmci.command.Result;
import io.mvmci.replication.RaftNode;
import io.mvmci.replication.ReplicationException;
import io.mvmci.store.StoreUnavailableException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded worker's way to the queue: commands proposed through this node's Raft node (group
 * commit folds many into one entry), stamped with this node's clock. Waiting for work is local: the
 * node applies every submission itself, so it looks in its own copy and sleeps on a
 * {@link WorkSignal} instead of polling the leader.
 */
public final class LocalTransport implements WorkTransport {
  static final long PROPOSE_TIMEOUT_MS = 10_000;

  private final String workerId;
  private final int nodeId;
  private final RaftNode node;
  private final WorkSignal signal;
  private final Clock clock;
  private final long leaseMs;

  public LocalTransport(String workerId, int nodeId, RaftNode node, WorkSignal signal, Clock clock,
      long leaseMs) {
    this.workerId = workerId;
    this.nodeId = nodeId;
    this.node = node;
    this.signal = signal;
    this.clock = clock;
    this.leaseMs = leaseMs;
  }

  @Override
  public String workerId() {
    return workerId;
  }

  @Override
  public List<Result.ClaimedJob> claim(int max, Duration wait) {
    long deadline = clock.millis() + wait.toMillis();
    while (true) {
      long seen = signal.generation();
      long now = clock.millis();
      Long next;
      try {
        next = node.stateMachine().queries().nextRunAt();
      } catch (SQLException | StoreUnavailableException e) {
        throw new WorkException("cannot read the local queue: " + e.getMessage(), e);
      }
      if (next != null && next <= now) {
        Result r = propose(new ClaimJobs(now, workerId, max, leaseMs));
        List<Result.ClaimedJob> jobs = ((Result.Claimed) r).jobs();
        if (!jobs.isEmpty()) {
          return jobs;
        }
      }
      long until = next != null && next > now ? Math.min(deadline, next) : deadline;
      if (now >= deadline) {
        return List.of();
      }
      try {
        signal.await(seen, Math.max(1, until - now));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WorkException("interrupted while waiting for work");
      }
    }
  }

  @Override
  public List<JobRef> heartbeat(List<JobRef> running, int capacity) {
    return ((Result.Stale) propose(new Heartbeat(clock.millis(), workerId, "node", nodeId, capacity,
        leaseMs, running))).jobs();
  }

  @Override
  public List<JobRef> progress(List<ReportProgress.Item> items) {
    return ((Result.Stale) propose(new ReportProgress(clock.millis(), workerId, items))).jobs();
  }

  @Override
  public boolean complete(JobRef job, String output) {
    return accepted(propose(new CompleteJob(clock.millis(), workerId, job, output)));
  }

  @Override
  public boolean fail(JobRef job, String error, boolean retryable, long retryDelayMs) {
    long now = clock.millis();
    return accepted(propose(new FailJob(now, workerId, job, error, retryable, now + retryDelayMs)));
  }

  @Override
  public boolean release(JobRef job, String reason) {
    return accepted(propose(new ReleaseJob(clock.millis(), workerId, job, reason)));
  }

  private static boolean accepted(Result r) {
    return r instanceof Result.Done;
  }

  private Result propose(Command c) {
    try {
      return node.submit(c).get(PROPOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new WorkException("the queue did not take " + c.getClass().getSimpleName() + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new WorkException("the queue did not answer within " + PROPOSE_TIMEOUT_MS + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkException("interrupted");
    } catch (ReplicationException e) {
      throw new WorkException(e.getMessage(), e);
    }
  }
}
