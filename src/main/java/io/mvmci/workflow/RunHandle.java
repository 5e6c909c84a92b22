package io.mvmci.workflow;

import java.util.concurrent.CompletableFuture;

/**
 * A started run.
 *
 * <p>Contract: {@link #outcome()} completes exactly once, normally, with the run's outcome; it
 * never completes exceptionally (except when a test's fault-injection hook simulates a crash).
 */
public final class RunHandle {
  private final String runId;
  private final CompletableFuture<RunOutcome> outcome;
  private final Runnable cancel;

  RunHandle(String runId, CompletableFuture<RunOutcome> outcome, Runnable cancel) {
    this.runId = runId;
    this.outcome = outcome;
    this.cancel = cancel;
  }

  public String runId() {
    return runId;
  }

  /** The outcome, when the run ends. Each call returns a new dependent future. */
  public CompletableFuture<RunOutcome> outcome() {
    return outcome.copy();
  }

  /**
   * Cancels the run: it fails with {@link FailureKind#CANCELLED} ("cancelled") as soon as its
   * guest reaches a loop back-edge, a call or a host function. No effect once the run ended.
   */
  public void cancel() {
    cancel.run();
  }
}
