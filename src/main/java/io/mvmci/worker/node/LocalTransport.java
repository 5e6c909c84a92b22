package io.mvmci.worker.node;

import io.mvmci.command.AppendSteps;
import io.mvmci.command.ClaimJobs;
import io.mvmci.command.Command;
import io.mvmci.command.CompleteJob;
import io.mvmci.command.FailJob;
import io.mvmci.command.Heartbeat;
import io.mvmci.command.JobRef;
import io.mvmci.command.ReleaseJob;
import io.mvmci.command.ReportProgress;
import io.mvmci.command.SuspendJob;
import io.mvmci.command.Result;
import io.mvmci.replication.RaftNode;
import io.mvmci.replication.ReplicationException;
import io.mvmci.job.Job;
import io.mvmci.store.HistoryQueries;
import io.mvmci.store.JobQueries;
import io.mvmci.store.StoreUnavailableException;
import io.mvmci.worker.WorkException;
import io.mvmci.worker.WorkTransport;
import io.mvmci.workflow.HistoryStep;
import io.mvmci.workflow.RunServices;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
  private final String kind;
  private final int nodeId;
  private final RaftNode node;
  private final WorkSignal signal;
  private final Clock clock;
  private final long leaseMs;
  private final AppendSteps.Limits limits;
  private final ChildJobs children;
  private List<String> labels = List.of();

  /**
   * @param kind {@code node} for this node's own pool; {@code remote} when this node proposes on
   *     behalf of a remote worker that reached it over HTTP
   * @param limits the history limits this node stamps on the steps it appends
   * @param children how this node submits and reads child jobs for runs
   */
  public LocalTransport(String workerId, String kind, int nodeId, RaftNode node, WorkSignal signal,
      Clock clock, long leaseMs, AppendSteps.Limits limits, ChildJobs children) {
    this.children = children;
    this.workerId = workerId;
    this.kind = kind;
    this.nodeId = nodeId;
    this.node = node;
    this.signal = signal;
    this.clock = clock;
    this.leaseMs = leaseMs;
    this.limits = limits;
  }

  /** This worker's labels, claimed and beaten with (canonical). */
  public LocalTransport withLabels(List<String> labels) {
    this.labels = io.mvmci.job.Labels.canonical(labels);
    return this;
  }

  private volatile NodeArtifacts artifacts;

  /** Lets this transport's runs store artifacts (ABI v4) through {@code artifacts}. */
  public LocalTransport withArtifacts(NodeArtifacts artifacts) {
    this.artifacts = artifacts;
    return this;
  }

  @Override
  public RunServices.Answer storeArtifact(JobRef job, String name, java.nio.file.Path file, long size,
      String sha256) {
    NodeArtifacts a = artifacts;
    return a == null ? WorkTransport.super.storeArtifact(job, name, file, size, sha256)
        : a.store(job.seq(), name, file, size, sha256);
  }

  @Override
  public String workerId() {
    return workerId;
  }

  /**
   * Claims once, without waiting whatever {@code wait} says: this transport {@link #waitsApart}, so the
   * worker waits for work in {@link #awaitWork} holding none of its slots.
   */
  @Override
  public List<Result.ClaimedJob> claim(int max, Duration wait) {
    return claimIfRunnable(max);
  }

  @Override
  public boolean waitsApart() {
    return true;
  }

  @Override
  public long workSeen() {
    return signal.generation();
  }

  @Override
  public void awaitWork(long seen, Duration wait) {
    awaitWork(seen, clock.millis() + wait.toMillis());
  }

  /**
   * The claim of one job by this worker that an eager start proposes with a submission at {@code now}
   * ({@link io.mvmci.command.SubmitAndClaim}).
   */
  public ClaimJobs eagerClaim(long now) {
    return new ClaimJobs(now, workerId, 1, leaseMs, labels);
  }

  /**
   * Claims once; if nothing was runnable, waits up to {@code wait} for work to appear and answers
   * empty, without claiming. For a remote worker's long poll: a claim is only ever made at the start
   * of a request, right after its credential was checked, never later on behalf of a client that may
   * have died (or lost its ticket) while the request waited. The worker asks again at once.
   */
  public List<Result.ClaimedJob> claimThenWait(int max, Duration wait) {
    long seen = workSeen();
    List<Result.ClaimedJob> jobs = claimIfRunnable(max);
    if (jobs.isEmpty()) {
      awaitWork(seen, wait);
    }
    return jobs;
  }

  private List<Result.ClaimedJob> claimIfRunnable(int max) {
    Long next = nextRunAt();
    long now = clock.millis();
    if (next == null || next > now) {
      return List.of();
    }
    return ((Result.Claimed) propose(new ClaimJobs(now, workerId, max, leaseMs, labels))).jobs();
  }

  /** Sleeps until the signal moves past {@code seen}, a delayed job comes due, or {@code deadline}. */
  private void awaitWork(long seen, long deadline) {
    long now = clock.millis();
    Long next = nextRunAt();
    long until = next != null && next > now ? Math.min(deadline, next) : deadline;
    if (until <= now) {
      return;
    }
    try {
      signal.await(seen, until - now);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkException("interrupted while waiting for work");
    }
  }

  private Long nextRunAt() {
    try {
      return node.stateMachine().queries().nextRunAt();
    } catch (SQLException | StoreUnavailableException e) {
      throw new WorkException("cannot read the local queue: " + e.getMessage(), e);
    }
  }

  @Override
  public List<JobRef> heartbeat(List<JobRef> running, int capacity) {
    return ((Result.Stale) propose(new Heartbeat(clock.millis(), workerId, kind, nodeId, capacity,
        leaseMs, running, labels))).jobs();
  }

  @Override
  public List<JobRef> progress(List<ReportProgress.Item> items) {
    return ((Result.Stale) propose(new ReportProgress(clock.millis(), workerId, items))).jobs();
  }

  @Override
  public boolean complete(JobRef job, String output) {
    return accepted(propose(new CompleteJob(clock.millis(), workerId, job, output)));
  }

  /** No thread waits for the commit: the answer comes on the thread that completes the entry. */
  @Override
  public CompletableFuture<Boolean> completeAsync(JobRef job, String output) {
    return proposeAsync(new CompleteJob(clock.millis(), workerId, job, output)).thenApply(LocalTransport::accepted);
  }

  @Override
  public boolean completesWithoutWaiting() {
    return true;
  }

  @Override
  public boolean fail(JobRef job, String error, boolean retryable, long retryDelayMs, String output) {
    long now = clock.millis();
    return accepted(propose(new FailJob(now, workerId, job, error, retryable, now + retryDelayMs, output)));
  }

  @Override
  public boolean release(JobRef job, String reason) {
    return accepted(propose(new ReleaseJob(clock.millis(), workerId, job, reason)));
  }

  @Override
  public Result appendSteps(JobRef job, List<AppendSteps.Write> writes) {
    return propose(new AppendSteps(clock.millis(), workerId, job, writes, limits));
  }

  /**
   * Read once the claim that asks has applied here, and so has every step before it (its history is
   * frozen from the claim on, until this claim appends): at once if this node's copy shows the claim
   * (the usual case: the claim applied here before the worker heard of it), else after a barrier.
   */
  @Override
  public List<HistoryStep> steps(JobRef job, int execution) {
    Optional<Job> local = read(q -> q.get(job.seq()));
    if (local.isEmpty() || local.get().attempt() < job.attempt()) {
      barrier();
    }
    List<HistoryStep> out = new ArrayList<>();
    for (HistoryQueries.Step s : read(q -> q.history().steps(job.seq(), execution))) {
      out.add(new HistoryStep(s.seq(), s.kind(), s.digest(), s.summary(), s.done(), s.code()));
    }
    return out;
  }

  /** A recorded step never changes once done, so this node's copy answers, once it has it. */
  @Override
  public byte[] stepResult(JobRef job, int execution, int seq) {
    Optional<byte[]> local = read(q -> q.history().result(job.seq(), execution, seq));
    if (local.isPresent()) {
      return local.get();
    }
    barrier();
    return read(q -> q.history().result(job.seq(), execution, seq)).orElseThrow(() ->
        new WorkException("step " + seq + " of execution " + execution + " of " + job + " is not recorded"));
  }

  @Override
  public Result suspend(JobRef job, String waitingFor, long wakeAt, long signalsAfter, List<AppendSteps.Write> writes) {
    return propose(new SuspendJob(clock.millis(), workerId, job, waitingFor, wakeAt, signalsAfter, writes, limits));
  }

  /** No thread waits for the commit, as for a completion. */
  @Override
  public CompletableFuture<Result> suspendAsync(JobRef job, String waitingFor, long wakeAt, long signalsAfter,
      List<AppendSteps.Write> writes) {
    return proposeAsync(new SuspendJob(clock.millis(), workerId, job, waitingFor, wakeAt, signalsAfter, writes,
        limits));
  }

  /**
   * This node's copy answers: a signal committed but not yet applied here is caught when the run's
   * suspension applies (a wait already over is not begun).
   */
  @Override
  public Optional<RunServices.Signal> nextSignal(JobRef job, String name, long afterId) {
    return read(q -> q.waits().nextSignal(job.seq(), name, afterId))
        .map(s -> new RunServices.Signal(s.id(), s.payload().getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public RunServices.Answer spawn(JobRef parent, String key, byte[] request) {
    return children.spawn(parent.seq(), key, request);
  }

  @Override
  public RunServices.Answer childOutcome(JobRef parent, String childId) {
    return children.outcome(parent.seq(), childId);
  }

  @Override
  public List<Result.ClaimedJob> claimsHeld() {
    barrier();
    List<Result.ClaimedJob> out = new ArrayList<>();
    for (Job j : read(q -> q.claimsHeld(workerId))) {
      out.add(new Result.ClaimedJob(new JobRef(j.seq(), j.attempt()), j.workflow(), j.input(), j.timeoutMs(),
          j.leaseUntil() == null ? 0 : j.leaseUntil(), j.failures(), j.maxAttempts(), j.moduleSha256(),
          j.execution(), j.historySteps()));
    }
    return out;
  }

  private interface Read<T> {
    T run(JobQueries q) throws SQLException;
  }

  private <T> T read(Read<T> query) {
    try {
      return query.run(node.stateMachine().queries());
    } catch (SQLException | StoreUnavailableException e) {
      throw new WorkException("cannot read the local queue: " + e.getMessage(), e);
    }
  }

  private void barrier() {
    try {
      node.readBarrier().get(PROPOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkException("interrupted");
    } catch (ExecutionException | TimeoutException e) {
      throw new WorkException("cannot catch up with the queue: " + e.getMessage(), e);
    }
  }

  private static boolean accepted(Result r) {
    return r instanceof Result.Done;
  }

  private Result propose(Command c) {
    try {
      return proposeAsync(c).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WorkException w) {
        throw w;
      }
      throw new WorkException(String.valueOf(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkException("interrupted");
    }
  }

  /** Proposes {@code c}; the future fails with a {@link WorkException} if the queue did not take it. */
  private CompletableFuture<Result> proposeAsync(Command c) {
    CompletableFuture<Result> committed;
    try {
      committed = node.submit(c);
    } catch (ReplicationException e) {
      return CompletableFuture.failedFuture(new WorkException(e.getMessage(), e));
    }
    return committed.orTimeout(PROPOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS).handle((result, error) -> {
      if (error == null) {
        return result;
      }
      Throwable cause = ReplicationException.unwrap(error);
      if (cause instanceof TimeoutException) {
        throw new WorkException("the queue did not answer within " + PROPOSE_TIMEOUT_MS + " ms");
      }
      throw new WorkException("the queue did not take " + c.getClass().getSimpleName() + ": "
          + cause.getMessage(), cause);
    });
  }
}
