package io.mvmci.ops.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.mvmci.workflow.EngineStats;
import io.mvmci.workflow.FailureKind;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.WorkflowEngine;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The workflow engine of this node: {@code mvmci_engine_*}. Runs are counted where they execute,
 * so these are per node (unlike the queue's counters, which every node sees for the whole cluster).
 */
public final class EngineMetrics implements MeterBinder {
  private final WorkflowEngine engine;
  private final ModuleRegistry modules;

  public EngineMetrics(WorkflowEngine engine, ModuleRegistry modules) {
    this.engine = engine;
    this.modules = modules;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    EngineStats stats = engine.stats();
    FunctionCounter.builder("mvmci.engine.runs.started", stats, EngineStats::runsStarted)
        .description("workflow runs started or resumed on this node").register(registry);
    FunctionCounter.builder("mvmci.engine.runs.ended", stats, EngineStats::runsSucceeded)
        .description("workflow runs ended on this node, by outcome")
        .tag("outcome", "succeeded").register(registry);
    for (FailureKind kind : FailureKind.values()) {
      FunctionCounter.builder("mvmci.engine.runs.ended", stats, s -> s.runsFailed(kind))
          .description("workflow runs ended on this node, by outcome")
          .tag("outcome", kind.name().toLowerCase(Locale.ROOT)).register(registry);
    }
    FunctionCounter.builder("mvmci.engine.traps", stats, s -> s.runsFailed(FailureKind.TRAP))
        .description("runs ended by a WebAssembly trap").register(registry);
    FunctionCounter.builder("mvmci.engine.steps.recorded", stats, EngineStats::stepsRecorded)
        .description("new steps runs on this node recorded in their history (replicated or local)")
        .register(registry);
    FunctionCounter.builder("mvmci.engine.journal.writes", stats, EngineStats::journalWrites)
        .description("rows written to the local run journal").register(registry);
    Gauge.builder("mvmci.engine.runs.active", engine, WorkflowEngine::activeRuns)
        .description("runs executing now").register(registry);
    FunctionTimer.builder("mvmci.engine.compile", modules, ModuleRegistry::compileCount,
            ModuleRegistry::compileMillisTotal, TimeUnit.MILLISECONDS)
        .description("compilations of WebAssembly modules to JVM bytecode").register(registry);
  }
}
