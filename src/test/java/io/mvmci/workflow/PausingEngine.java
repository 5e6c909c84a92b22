package io.mvmci.workflow;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * For tests outside this package: a real engine whose runs stop on their thread at one point of a
 * step, as a process stopped there (SIGSTOP) would, until the test lets them go on.
 */
public final class PausingEngine {
  private PausingEngine() {}

  /**
   * An engine whose runs, once an {@code http_request}'s start is recorded and before it is sent,
   * count down {@code reached} and wait for {@code go} (at most two minutes). {@code interrupted}
   * counts the waits cut short by an interrupt (a run stopped by its worker).
   */
  public static WorkflowEngine pausingBeforeSends(EngineConfig config, ModuleRegistry modules, ProgressSink sink,
      EgressPolicy egress, CountDownLatch reached, CountDownLatch go, java.util.concurrent.atomic.AtomicInteger interrupted) {
    StepHook hook = (runId, seq, kind, point) -> {
      if (kind == AbiImport.HTTP_REQUEST && point == StepHook.Point.STARTED) {
        reached.countDown();
        try {
          go.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          interrupted.incrementAndGet();
          Thread.currentThread().interrupt();
        }
      }
    };
    return new WorkflowEngine(config, modules, sink, new HttpBridge(egress), hook);
  }
}
