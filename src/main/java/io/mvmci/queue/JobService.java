package io.mvmci.queue;

import io.mvmci.command.CancelJob;
import io.mvmci.command.RetryJob;
import io.mvmci.command.Result;
import io.mvmci.command.SendSignal;
import io.mvmci.command.SubmitJob;
import io.mvmci.job.Job;
import io.mvmci.job.JobEvent;
import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import io.mvmci.job.LogLine;
import io.mvmci.replication.RaftNode;
import io.mvmci.replication.ReplicationException;
import io.mvmci.store.HistoryQueries;
import io.mvmci.store.JobQueries;
import io.mvmci.store.ModuleQueries;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import tools.jackson.databind.ObjectMapper;

/**
 * The job queue as the API sees it: submissions go through the Raft log (from any node; the leader
 * orders them), reads come from this node's copy after a barrier that makes them linearizable unless
 * the caller asks for a local read.
 *
 * <p>Threading: every method may be called from any thread and blocks for at most the write or read
 * timeout.
 */
public final class JobService {
  private final RaftNode node;
  private final Clock clock;
  private final SubmissionValidator validator;
  private final JobWaiters waiters;
  private final long writeTimeoutMs;
  private final long readTimeoutMs;

  /**
   * @param knownWorkflow whether a module of this name is deployed
   * @param knownVersion whether this version (name, sha-256) of a module is deployed
   */
  public JobService(RaftNode node, Clock clock, JobDefaults defaults, Predicate<String> knownWorkflow,
      BiPredicate<String, String> knownVersion, ObjectMapper json, JobWaiters waiters) {
    this.node = node;
    this.waiters = waiters;
    this.clock = clock;
    this.validator = new SubmissionValidator(defaults,
        name -> knownWorkflow.test(name) || stored(v -> v.name().equals(name)),
        (name, sha256) -> knownVersion.test(name, sha256)
            || stored(v -> v.name().equals(name) && v.sha256().equals(sha256)), json);
    this.writeTimeoutMs = 10_000;
    this.readTimeoutMs = 5_000;
  }

  /** The outcome of a submission: the job, and whether an earlier submission with its key made it. */
  public record Submission(Job job, boolean duplicate) {}

  /**
   * Submits many jobs at once. All are validated before any is proposed, so one bad job rejects the
   * batch and nothing is written ({@link InvalidJobException#field()} names it as {@code jobs[i].field});
   * then they are proposed together and share log entries through group commit.
   */
  public List<Submission> submitAll(List<NewJob> requests) {
    long now = clock.millis();
    List<SubmitJob> commands = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      try {
        commands.add(validator.validate(requests.get(i), now));
      } catch (InvalidJobException e) {
        throw new InvalidJobException("jobs[" + i + "]" + (e.field() == null ? "" : "." + e.field()),
            "jobs[" + i + "]: " + e.getMessage());
      }
    }
    List<CompletableFuture<Result>> pending = commands.stream().map(node::submit).toList();
    List<Submission> out = new ArrayList<>(commands.size());
    for (int i = 0; i < commands.size(); i++) {
      Result r = await(pending.get(i), writeTimeoutMs, "submit");
      if (!(r instanceof Result.Submitted s)) {
        throw new InvalidJobException("jobs[" + i + "]", ((Result.Rejected) r).message());
      }
      if (s.duplicate()) {
        Job stored = get(JobId.format(s.seq()), Consistency.LINEARIZABLE);
        IdempotencyConflictException.check(commands.get(i), stored, "jobs[" + i + "]");
        out.add(new Submission(stored, true));
      } else {
        out.add(new Submission(commands.get(i).pendingJob(s.seq()), false));
      }
    }
    return out;
  }

  /**
   * Validates a submission as {@link #submit} does, without proposing it: the command it would
   * propose at {@code now} (a schedule's job template is checked this way).
   *
   * @throws InvalidJobException naming the field at fault
   */
  public SubmitJob validate(NewJob request, long now) {
    return validator.validate(request, now);
  }

  /** Validates, stamps and replicates a new job; returns once its log entry has committed. */
  public Submission submit(NewJob request) {
    long now = clock.millis();
    SubmitJob command = validator.validate(request, now);
    Result result = await(node.submit(command), writeTimeoutMs, "submit");
    if (result instanceof Result.Submitted s) {
      if (!s.duplicate()) {
        return new Submission(command.pendingJob(s.seq()), false);
      }
      Job stored = get(JobId.format(s.seq()), Consistency.LINEARIZABLE);
      IdempotencyConflictException.check(command, stored, null);
      return new Submission(stored, true);
    }
    Result.Rejected r = (Result.Rejected) result;
    throw new InvalidJobException(null, r.message());
  }

  /**
   * Cancels a job that has not finished. A pending job leaves the queue; a running one is stopped on
   * whichever worker holds it (at once on an embedded worker, at its next heartbeat on a remote one).
   * Its children that are not detached are cancelled with it.
   */
  public Job cancel(String id, String by) {
    onJob(id, "cancel", seq -> new CancelJob(clock.millis(), seq, by));
    return get(id, Consistency.LINEARIZABLE);
  }

  /**
   * Puts a Failed or Cancelled job back in the queue as Pending, with a fresh execution and its whole
   * failure budget ({@link io.mvmci.command.RetryJob}); a job in any other state is a conflict.
   */
  public Job retry(String id, String by) {
    onJob(id, "retry", seq -> new RetryJob(clock.millis(), seq, by));
    return get(id, Consistency.LINEARIZABLE);
  }

  /**
   * Sends a signal to a job that has not finished; a run waiting for one of that name wakes. With
   * {@code idempotencyKey}, a repeat answers the first signal and adds nothing.
   *
   * @throws JobNotFoundException no such job
   * @throws JobConflictException the job has finished
   */
  public Result.Signaled signal(String id, String name, String payload, String idempotencyKey) {
    return (Result.Signaled) onJob(id, "signal", seq -> new SendSignal(clock.millis(), seq, name, payload,
        idempotencyKey));
  }

  /** Proposes a command on job {@code id}: unknown is a 404, a refusal a 409 with its reason. */
  private Result onJob(String id, String what, java.util.function.LongFunction<io.mvmci.command.Command> command) {
    long seq = JobId.parse(id);
    if (seq < 0) {
      throw new JobNotFoundException(id);
    }
    Result result = await(node.submit(command.apply(seq)), writeTimeoutMs, what);
    if (result instanceof Result.Rejected r) {
      if (r.reason() == Result.Reason.UNKNOWN_JOB) {
        throw new JobNotFoundException(id);
      }
      throw new JobConflictException(r.message());
    }
    return result;
  }

  public List<LogLine> logs(String id, long afterId, int limit, Consistency consistency) {
    Job job = get(id, consistency);
    return read(Consistency.LOCAL, q -> q.logs(job.seq(), afterId, limit));
  }

  /**
   * The job once it has finished (Completed, Failed or Cancelled), or as it is when {@code waitMs}
   * runs out: a long poll for a caller that submitted it and wants its outcome. The first read, and
   * the one after the wait ran out, are as {@code consistency} says. A read after this node applied
   * the entry that woke the wait is of the local copy: that copy is then at least as far as the first
   * read's barrier, and it is a state the log held during this request, so it is as linearizable as a
   * second barrier would make it, one ReadIndex round trip sooner.
   */
  public Job awaitFinished(String id, long waitMs, Consistency consistency) {
    long seq = JobId.parse(id);
    if (seq < 0) {
      throw new JobNotFoundException(id);
    }
    return awaitTerminal(seq, waitMs, woken -> get(id, woken ? Consistency.LOCAL : consistency));
  }

  /**
   * A submission's outcome ({@code POST /jobs?wait_ms=}): waits up to {@code waitMs} for the job just
   * submitted through this node to finish, and returns it as it then stands. Only this node's copy is
   * read, with no ReadIndex: the submission's own answer stands in until this node has applied it, and
   * the entry that finishes the job is applied here after the one that added it.
   */
  public Job awaitOutcome(Job submitted, long waitMs) {
    if (submitted.status().isTerminal()) {
      return submitted;
    }
    long seq = submitted.seq();
    return awaitTerminal(seq, waitMs,
        woken -> read(Consistency.LOCAL, q -> q.get(seq)).orElse(submitted));
  }

  /**
   * The wait both long polls share: reads the job ({@code read.apply(true)} once this node has applied
   * the entry that finished it or a lease expiry woke the wait) until it is terminal or the wait runs out.
   */
  private Job awaitTerminal(long seq, long waitMs, java.util.function.Function<Boolean, Job> read) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
    boolean woken = false;
    while (true) {
      java.util.concurrent.CompletableFuture<Void> finished = waiters.await(seq);
      Job job = read.apply(woken);
      long left = deadline - System.nanoTime();
      if (job.status().isTerminal() || left <= 0) {
        waiters.forget(seq, finished);
        return job;
      }
      try {
        finished.get(left, TimeUnit.NANOSECONDS);
        woken = true;
      } catch (java.util.concurrent.TimeoutException | ExecutionException e) {
        waiters.forget(seq, finished);
        woken = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return job;
      }
    }
  }

  public Job get(String id, Consistency consistency) {
    long seq = JobId.parse(id);
    if (seq < 0) {
      throw new JobNotFoundException(id);
    }
    return read(consistency, q -> q.get(seq)).orElseThrow(() -> new JobNotFoundException(id));
  }

  public List<JobEvent> events(String id, Consistency consistency) {
    Job job = get(id, consistency);
    return read(Consistency.LOCAL, q -> q.events(job.seq()));
  }

  /**
   * Whether the replicated table holds a module version matching {@code which}, read linearizably:
   * for a submission naming a module this node's registry does not know (yet), because its deploy
   * was committed through another node and this node is still compiling it.
   */
  private boolean stored(java.util.function.Predicate<ModuleQueries.ModuleVersion> which) {
    return read(Consistency.LINEARIZABLE, q -> q.modules().moduleVersions()).stream().anyMatch(which);
  }

  /** Every recorded step of every execution of the job, in order; with results if {@code results}. */
  public List<HistoryQueries.Step> history(String id, boolean results, Consistency consistency) {
    Job job = get(id, consistency);
    return read(Consistency.LOCAL, q -> q.history().all(job.seq(), results));
  }

  /** A page of jobs after {@code afterSeq} (exclusive), in submission order. */
  public List<Job> page(JobStatus status, long afterSeq, int limit, Consistency consistency) {
    return read(consistency, q -> q.page(status, afterSeq, limit));
  }

  /** Every job, streamed in submission order from one consistent read. */
  public void forEach(Consistency consistency, Consumer<Job> sink) {
    read(consistency, q -> {
      q.forEach(sink);
      return null;
    });
  }

  public Map<JobStatus, Long> counts(Consistency consistency) {
    return read(consistency, JobQueries::counts);
  }

  /** Every node and worker that has beaten, as the heartbeats table holds them. */
  public List<JobQueries.Worker> workers(Consistency consistency) {
    return read(consistency, JobQueries::workers);
  }

  /** Waits until a read of this node's copy satisfies {@code consistency}. */
  public void barrier(Consistency consistency) {
    if (consistency == Consistency.LINEARIZABLE) {
      await(node.readBarrier(), readTimeoutMs, "linearizable read");
    }
  }

  /** A read of this node's copy. */
  public interface Query<T> {
    T run(JobQueries q) throws SQLException;
  }

  /** Runs {@code query} on this node's copy, after a read barrier if {@code consistency} asks for one. */
  public <T> T read(Consistency consistency, Query<T> query) {
    barrier(consistency);
    try {
      return query.run(node.stateMachine().queries());
    } catch (SQLException e) {
      throw new IllegalStateException("reading the queue database failed: " + e.getMessage(), e);
    }
  }

  private <T> T await(java.util.concurrent.Future<T> f, long timeoutMs, String what) {
    try {
      return f.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new ReplicationException(what + " timed out after " + timeoutMs + " ms: "
          + node.disk().refusal().orElse("no leader or no quorum") + "; whether it took effect is unknown", false);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ReplicationException r) {
        throw r;
      }
      throw new ReplicationException(what + " failed: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplicationException(what + " interrupted", true);
    }
  }
}
