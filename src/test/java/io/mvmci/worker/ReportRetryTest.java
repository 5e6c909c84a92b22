package io.mvmci.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.command.JobRef;
import io.mvmci.workflow.EngineConfig;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.WorkflowEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A completion whose report fails (the queue unreachable, outcome unknown) is reported again until
 * the queue answers, and only then does the run give back its slot. The transport is scripted here
 * (it is the worker's boundary); the engine is the real one.
 */
class ReportRetryTest {
  @TempDir Path dir;

  /** Hands out one job, fails the first two completion reports, accepts the third. */
  static final class FlakyQueue extends ScriptedQueue {
    final List<Long> reportTimes = new CopyOnWriteArrayList<>();
    final List<String> outputs = new CopyOnWriteArrayList<>();

    FlakyQueue() {
      super(job(7));
    }

    @Override
    public CompletableFuture<Boolean> completeAsync(JobRef job, String output) {
      reportTimes.add(System.nanoTime());
      outputs.add(output);
      return reportTimes.size() <= 2
          ? CompletableFuture.failedFuture(new WorkException("the queue did not answer"))
          : CompletableFuture.completedFuture(true);
    }
  }

  @Test
  void aFailedCompletionReportIsSentAgainUntilTheQueueTakesItAndOnlyThenFreesTheSlot() throws Exception {
    FlakyQueue queue = new FlakyQueue();
    try (WorkflowEngine engine = helloEngine(); WorkerAgent agent = oneSlotAgent(queue, engine, 1_000)) {
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

  /**
   * Answers the completion report only when the test says, and meanwhile finds the claim stale in
   * every heartbeat that lists it, as the queue does once the completion (or a suspension) has applied
   * and before its answer reaches the worker.
   */
  static final class SlowAnswerQueue extends ScriptedQueue {
    final CompletableFuture<Boolean> answer = new CompletableFuture<>();
    final AtomicInteger staleBeats = new AtomicInteger();
    volatile boolean reported;

    SlowAnswerQueue() {
      super(job(8));
    }

    @Override
    public CompletableFuture<Boolean> completeAsync(JobRef job, String output) {
      reported = true;
      return answer;
    }

    @Override
    public List<JobRef> heartbeat(List<JobRef> running, int capacity) {
      if (reported && !running.isEmpty()) {
        staleBeats.incrementAndGet();
        return running;
      }
      return List.of();
    }
  }

  @Test
  void aClaimFoundEndedWhileItsOutcomeIsReportedIsNotCalledStaleAndTheAnswerFreesTheSlot() throws Exception {
    SlowAnswerQueue queue = new SlowAnswerQueue();
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(RunTable.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
        new ch.qos.logback.core.read.ListAppender<>();
    seen.start();
    log.addAppender(seen);
    try (WorkflowEngine engine = helloEngine(); WorkerAgent agent = oneSlotAgent(queue, engine, 100)) {
      agent.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> queue.staleBeats.get() >= 3);
      assertThat(agent.running()).as("the run holds its slot until its report is answered").isOne();
      queue.answer.complete(true);
      await().atMost(Duration.ofSeconds(5)).until(() -> agent.running() == 0);
      assertThat(seen.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .as("a run that has finished is not said to be stopped").noneMatch(m -> m.contains("stopping the run"));
    } finally {
      log.detachAppender(seen);
    }
  }

  /** The real engine with the {@code hello} guest the scripted queues hand out. */
  private WorkflowEngine helloEngine() throws Exception {
    ModuleRegistry modules = new ModuleRegistry();
    modules.deploy("hello", Files.readAllBytes(Path.of("workflows", "hostile", "hello.wasm")));
    return new WorkflowEngine(EngineConfig.defaults(dir), modules, updates -> { });
  }

  /** A worker with one slot and a 3 s lease, renewed every {@code heartbeatMs}. */
  private static WorkerAgent oneSlotAgent(WorkTransport queue, WorkflowEngine engine, long heartbeatMs) {
    return new WorkerAgent(new WorkerSettings(1, 3_000, heartbeatMs, 100, 1_000, Duration.ofSeconds(1), 500), queue,
        engine, JsonMapper.builder().build());
  }
}
