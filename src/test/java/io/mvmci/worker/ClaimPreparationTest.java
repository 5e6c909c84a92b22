package io.mvmci.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.command.JobRef;
import io.mvmci.command.Result;
import io.mvmci.workflow.EngineConfig;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.WorkflowEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a worker does between a claim and its run's start ({@link WorkTransport#prepare}: a remote worker
 * fetches and compiles the job's module there), and which lease it counts on. The transport is scripted
 * (the worker's boundary); the engine and the worker are real.
 */
class ClaimPreparationTest {
  @TempDir Path dir;
  private ModuleRegistry modules;

  @BeforeEach
  void hello() throws Exception {
    modules = new ModuleRegistry();
    modules.deploy("hello", Files.readAllBytes(Path.of("workflows", "hostile", "hello.wasm")));
  }

  /** Records heartbeats and outcomes; {@link #prepare} is what each test scripts. */
  private abstract static class Recording extends ScriptedQueue {
    final List<List<JobRef>> beats = new CopyOnWriteArrayList<>();
    final List<String> completed = new CopyOnWriteArrayList<>();
    final List<String> failed = new CopyOnWriteArrayList<>();

    Recording() {
      super(job(9));
    }

    @Override
    public List<JobRef> heartbeat(List<JobRef> running, int capacity) {
      beats.add(List.copyOf(running));
      return List.of();
    }

    @Override
    public boolean complete(JobRef ref, String output) {
      completed.add(output);
      return true;
    }

    @Override
    public boolean fail(JobRef ref, String error, boolean retryable, long retryDelayMs, String output) {
      failed.add(error);
      return true;
    }
  }

  private WorkerAgent agent(WorkflowEngine engine, WorkTransport queue, long leaseMs, long heartbeatMs) {
    return new WorkerAgent(new WorkerSettings(1, leaseMs, heartbeatMs, 100, 1_000, Duration.ofSeconds(1), 500),
        queue, engine, JsonMapper.builder().build());
  }

  @Test
  void aSlowPreparationHappensWhileTheClaimIsHeartbeatedThenTheRunStarts() throws Exception {
    CountDownLatch preparing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Recording queue = new Recording() {
      @Override
      public void prepare(Result.ClaimedJob job) {
        preparing.countDown();
        try {
          release.await(30, TimeUnit.SECONDS); // a module that takes long to fetch or compile
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    try (WorkflowEngine engine = new WorkflowEngine(EngineConfig.defaults(dir), modules, updates -> { });
        WorkerAgent agent = agent(engine, queue, 3_000, 100)) {
      agent.start();
      assertThat(preparing.await(10, TimeUnit.SECONDS)).isTrue();
      int before = queue.beats.size();
      // several heartbeat periods into the preparation, the claim is among the leases renewed
      await().atMost(Duration.ofSeconds(10)).until(() -> queue.beats.stream().skip(before)
          .filter(b -> b.contains(new JobRef(9, 1))).count() >= 3);
      assertThat(queue.completed).as("the run waits for its module").isEmpty();
      release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> queue.completed.size() == 1 && agent.running() == 0);
      assertThat(queue.completed.get(0)).contains("hello, world");
      assertThat(queue.failed).isEmpty();
    }
  }

  @Test
  void aJobWhoseModuleCannotBeMadeReadyFailsWithTheReasonAndFreesItsSlot() throws Exception {
    Recording queue = new Recording() {
      @Override
      public void prepare(Result.ClaimedJob job) {
        throw new WorkException("module hello ab12 from the control plane does not load: no memory export");
      }
    };
    try (WorkflowEngine engine = new WorkflowEngine(EngineConfig.defaults(dir), modules, updates -> { });
        WorkerAgent agent = agent(engine, queue, 3_000, 1_000)) {
      agent.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> queue.failed.size() == 1 && agent.running() == 0);
      assertThat(queue.failed.get(0)).isEqualTo("host_error: could not make its module ready: module hello ab12 from the"
          + " control plane does not load: no memory export");
      assertThat(queue.completed).as("never started").isEmpty();
    }
  }

  @Test
  void aShorterLeaseFromTheControlPlaneIsTheOneTheWorkerCountsOn() throws Exception {
    Recording told = new Recording() {
      @Override
      public OptionalLong leaseMs() {
        return OptionalLong.of(1_200);
      }
    };
    Recording longer = new Recording() {
      @Override
      public OptionalLong leaseMs() {
        return OptionalLong.of(60_000);
      }
    };
    Recording silent = new Recording() { };
    try (WorkflowEngine engine = new WorkflowEngine(EngineConfig.defaults(dir), modules, updates -> { });
        WorkerAgent shorter = agent(engine, told, 3_000, 500);
        WorkerAgent longerAgent = agent(engine, longer, 3_000, 500);
        WorkerAgent olderPlane = agent(engine, silent, 3_000, 500)) {
      assertThat(shorter.leaseMs()).isEqualTo(1_200);
      assertThat(longerAgent.leaseMs()).as("never more than its own setting").isEqualTo(3_000);
      assertThat(olderPlane.leaseMs()).as("a control plane that sends none").isEqualTo(3_000);
    }
  }
}
