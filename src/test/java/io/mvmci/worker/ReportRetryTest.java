package io.mvmci.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.command.JobRef;
import io.mvmci.command.ReportProgress;
import io.mvmci.command.Result;
import io.mvmci.workflow.EngineConfig;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.WorkflowEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * A completion whose report fails (the queue unreachable, outcome unknown) is reported again until
 * the queue answers, and only then does the run give back its slot. The transport is scripted here
 * (it is the worker's boundary); the engine is the real one.
 */
class ReportRetryTest {
  @TempDir Path dir;

  /** Hands out one job, fails the first two completion reports, accepts the third. */
  static final class FlakyQueue implements WorkTransport {
    final AtomicBoolean claimed = new AtomicBoolean();
    final List<Long> reportTimes = new CopyOnWriteArrayList<>();
    final List<String> outputs = new CopyOnWriteArrayList<>();

    @Override
    public String workerId() {
      return "w1";
    }

    @Override
    public List<Result.ClaimedJob> claim(int max, Duration wait) {
      if (claimed.compareAndSet(false, true)) {
        return List.of(new Result.ClaimedJob(new JobRef(7, 1), "hello", "world", 30_000,
            System.currentTimeMillis() + 30_000, 0, 3, null, 1, 0));
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
    public boolean complete(JobRef job, String output) {
      throw new AssertionError("the worker reports completions through completeAsync");
    }

    @Override
    public CompletableFuture<Boolean> completeAsync(JobRef job, String output) {
      reportTimes.add(System.nanoTime());
      outputs.add(output);
      return reportTimes.size() <= 2
          ? CompletableFuture.failedFuture(new WorkException("the queue did not answer"))
          : CompletableFuture.completedFuture(true);
    }

    @Override
    public boolean fail(JobRef job, String error, boolean retryable, long retryDelayMs, String output) {
      throw new AssertionError("the run should succeed: " + error);
    }

    @Override
    public boolean release(JobRef job, String reason) {
      return true;
    }

    @Override
    public List<Result.ClaimedJob> claimsHeld() {
      return List.of();
    }

    @Override
    public Result appendSteps(JobRef job, List<io.mvmci.command.AppendSteps.Write> writes) {
      throw new AssertionError("hello records no step");
    }

    @Override
    public List<io.mvmci.workflow.HistoryStep> steps(JobRef job, int execution) {
      return List.of();
    }

    @Override
    public byte[] stepResult(JobRef job, int execution, int seq) {
      throw new AssertionError("hello records no step");
    }

    @Override
    public io.mvmci.command.Result suspend(JobRef job, String waitingFor, long wakeAt, long signalsAfter,
        java.util.List<io.mvmci.command.AppendSteps.Write> writes) {
      throw new AssertionError("hello never waits");
    }

    @Override
    public java.util.Optional<io.mvmci.workflow.RunServices.Signal> nextSignal(JobRef job, String name, long afterId) {
      throw new AssertionError("hello takes no signal");
    }

    @Override
    public io.mvmci.workflow.RunServices.Answer spawn(JobRef parent, String key, byte[] request) {
      throw new AssertionError("hello spawns no job");
    }

    @Override
    public io.mvmci.workflow.RunServices.Answer childOutcome(JobRef parent, String childId) {
      throw new AssertionError("hello has no child");
    }
  }

  @Test
  void aFailedCompletionReportIsSentAgainUntilTheQueueTakesItAndOnlyThenFreesTheSlot() throws Exception {
    ModuleRegistry modules = new ModuleRegistry();
    modules.deploy("hello", Files.readAllBytes(Path.of("workflows", "hostile", "hello.wasm")));
    FlakyQueue queue = new FlakyQueue();
    try (WorkflowEngine engine = new WorkflowEngine(EngineConfig.defaults(dir), modules, updates -> { });
        WorkerAgent agent = new WorkerAgent(new WorkerSettings(1, 3_000, 1_000, 100, 1_000,
            Duration.ofSeconds(1), 500), queue, engine, JsonMapper.builder().build())) {
      agent.start();
      await().atMost(Duration.ofSeconds(1)).until(() -> queue.reportTimes.size() >= 1);
      assertThat(agent.running()).as("the run holds its slot while its outcome is unacknowledged").isOne();

      await().atMost(Duration.ofSeconds(10)).until(() -> queue.reportTimes.size() == 3 && agent.running() == 0);
      assertThat(queue.outputs).as("the same outcome each time").containsOnly(queue.outputs.get(0));
      assertThat(queue.outputs.get(0)).contains("hello, world");
      long spread = queue.reportTimes.get(2) - queue.reportTimes.get(0);
      assertThat(Duration.ofNanos(spread)).as("two retries, 500 ms apart").isGreaterThanOrEqualTo(Duration.ofMillis(900));
      await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
          .untilAsserted(() -> assertThat(queue.reportTimes).as("no report after the queue took it").hasSize(3));
    }
  }
}
