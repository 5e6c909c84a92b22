package io.mvmci.worker;

import io.mvmci.command.AppendSteps;
import io.mvmci.command.JobRef;
import io.mvmci.command.ReportProgress;
import io.mvmci.command.Result;
import io.mvmci.workflow.HistoryStep;
import io.mvmci.workflow.RunServices;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The worker's boundary, scripted for tests of the worker itself (the engine stays real): hands out
 * {@link #job} once, then answers claims empty; heartbeats, progress and releases are accepted; every
 * call a test does not expect for the {@code hello} guest (steps, waits, children) fails the test.
 * A test overrides what it scripts.
 */
abstract class ScriptedQueue implements WorkTransport {
  /** The one job a claim hands out. */
  static Result.ClaimedJob job(long seq) {
    return new Result.ClaimedJob(new JobRef(seq, 1), "hello", "world", 30_000,
        System.currentTimeMillis() + 30_000, 0, 3, null, 1, 0);
  }

  private final Result.ClaimedJob job;
  private final AtomicBoolean claimed = new AtomicBoolean();

  ScriptedQueue(Result.ClaimedJob job) {
    this.job = job;
  }

  @Override
  public String workerId() {
    return "w1";
  }

  @Override
  public List<Result.ClaimedJob> claim(int max, Duration wait) {
    if (claimed.compareAndSet(false, true)) {
      return List.of(job);
    }
    try {
      Thread.sleep(Math.min(wait.toMillis(), 100));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkException("interrupted");
    }
    return List.of();
  }

  @Override
  public List<JobRef> heartbeat(List<JobRef> running, int capacity) {
    return List.of();
  }

  @Override
  public List<JobRef> progress(List<ReportProgress.Item> items) {
    return List.of();
  }

  @Override
  public boolean complete(JobRef ref, String output) {
    throw new AssertionError("not expected: a completion of " + ref);
  }

  @Override
  public boolean fail(JobRef ref, String error, boolean retryable, long retryDelayMs, String output) {
    throw new AssertionError("not expected: a failure of " + ref + ": " + error);
  }

  @Override
  public boolean release(JobRef ref, String reason) {
    return true;
  }

  @Override
  public List<Result.ClaimedJob> claimsHeld() {
    return List.of();
  }

  @Override
  public Result appendSteps(JobRef ref, List<AppendSteps.Write> writes) {
    throw new AssertionError("hello records no step");
  }

  @Override
  public List<HistoryStep> steps(JobRef ref, int execution) {
    return List.of();
  }

  @Override
  public byte[] stepResult(JobRef ref, int execution, int seq) {
    throw new AssertionError("hello records no step");
  }

  @Override
  public Result suspend(JobRef ref, String waitingFor, long wakeAt, long signalsAfter, List<AppendSteps.Write> writes) {
    throw new AssertionError("hello never waits");
  }

  @Override
  public Optional<RunServices.Signal> nextSignal(JobRef ref, String name, long afterId) {
    throw new AssertionError("hello takes no signal");
  }

  @Override
  public RunServices.Answer spawn(JobRef parent, String key, byte[] request) {
    throw new AssertionError("hello spawns no job");
  }

  @Override
  public RunServices.Answer childOutcome(JobRef parent, String childId) {
    throw new AssertionError("hello has no child");
  }
}
