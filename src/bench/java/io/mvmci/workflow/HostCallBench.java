package io.mvmci.workflow;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What host calls and runs cost through the whole engine: real journal file, real threads.
 * A per-call cost is (run time with N calls - run time with none) / N.
 */
final class HostCallBench implements AutoCloseable {
  private final Path dataDir;
  private final ModuleRegistry registry;
  private final WorkflowEngine engine;
  private final AtomicInteger runs = new AtomicInteger();

  HostCallBench(Path dataDir, ModuleRegistry registry) {
    this.dataDir = dataDir;
    this.registry = registry;
    this.engine = new WorkflowEngine(EngineConfig.defaults(dataDir), registry, updates -> {});
  }

  /** Milliseconds from start to outcome of one run of {@code module}, whose journal is then deleted. */
  double runMillis(WorkflowEngine on, String module, String input) {
    String runId = "bench-" + runs.incrementAndGet();
    long start = System.nanoTime();
    RunOutcome outcome = outcome(on.start(RunSpec.of(runId, ModuleRef.latest(module),
        input.getBytes(StandardCharsets.UTF_8))));
    double ms = (System.nanoTime() - start) / 1e6;
    if (!(outcome instanceof RunOutcome.Succeeded)) {
      throw new IllegalStateException("bench run failed: " + outcome);
    }
    on.forget(runId);
    return ms;
  }

  /** Wall-clock and CPU time (the whole process's, user + system) of one call, in microseconds. */
  record PerCall(double wallMicros, double cpuMicros) {}

  /**
   * Median cost of one call of {@code mode} ('i', 't' or 'l', see hostcalls.wat), net of the
   * cost of a run that makes no call. CPU time is reported too because wall-clock time on a
   * shared machine includes waiting for a core.
   */
  PerCall perCall(char mode, int calls, int warmup, int measured) {
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean();
    double emptyWall = Samples.time(warmup, measured, () -> runMillis(engine, "hostcalls", mode + "0")).median();
    java.util.List<Double> wall = new java.util.ArrayList<>();
    java.util.List<Double> cpu = new java.util.ArrayList<>();
    for (int i = 0; i < warmup + measured; i++) {
      long cpuBefore = os.getProcessCpuTime();
      double ms = runMillis(engine, "hostcalls", mode + "" + calls);
      if (i >= warmup) {
        wall.add(ms);
        cpu.add((os.getProcessCpuTime() - cpuBefore) / 1e6);
      }
    }
    return new PerCall((Samples.of(wall).median() - emptyWall) * 1000 / calls,
        Samples.of(cpu).median() * 1000 / calls);
  }

  /** Median milliseconds for a whole run of the {@code hello} guest: thread, journal, instance. */
  double helloRunMillis(int warmup, int measured) {
    return Samples.time(warmup, measured, () -> runMillis(engine, "hello", "bench")).median();
  }

  /**
   * Microseconds per step to replay a journal of {@code steps} now_ms steps: the run is crashed
   * at its last step, then resumed by a fresh engine; the resume replays every step.
   */
  double replayMicrosPerStep(int steps, int repeats) {
    java.util.List<Double> perStep = new java.util.ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      Path dir = dataDir.resolve("replay-" + i);
      StepHook crashAtEnd = (runId, seq, kind, point) -> {
        if (seq == steps - 1 && point == StepHook.Point.RECORDED) {
          throw new StepHook.SimulatedCrash("end of bench run");
        }
      };
      RunSpec spec = RunSpec.of("replay", ModuleRef.latest("hostcalls"),
          ("t" + steps).getBytes(StandardCharsets.UTF_8));
      try (WorkflowEngine crashing = new WorkflowEngine(EngineConfig.defaults(dir), registry, u -> {},
          new HttpBridge(EgressPolicy.publicOnly()), crashAtEnd)) {
        try {
          crashing.start(spec).outcome().get();
          throw new IllegalStateException("the bench run was meant to crash");
        } catch (ExecutionException expected) {
          // the simulated crash
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      try (WorkflowEngine resuming = new WorkflowEngine(EngineConfig.defaults(dir), registry, u -> {})) {
        long start = System.nanoTime();
        RunOutcome outcome = outcome(resuming.start(spec));
        perStep.add((System.nanoTime() - start) / 1e3 / steps);
        if (!(outcome instanceof RunOutcome.Succeeded)) {
          throw new IllegalStateException("replay failed: " + outcome);
        }
      }
    }
    return Samples.of(perStep).median();
  }

  private static RunOutcome outcome(RunHandle handle) {
    try {
      return handle.outcome().get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    engine.close();
  }
}
