package io.mvmci;

import io.mvmci.config.NodeConfig;
import io.mvmci.replication.ApplyListeners;
import io.mvmci.replication.RaftNode;
import io.mvmci.worker.LocalTransport;
import io.mvmci.worker.Reaper;
import io.mvmci.worker.WorkSignal;
import io.mvmci.worker.WorkerAgent;
import io.mvmci.worker.WorkerSettings;
import io.mvmci.workflow.EngineConfig;
import io.mvmci.workflow.InvalidModuleException;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.ProgressSink;
import io.mvmci.workflow.ProgressUpdate;
import io.mvmci.workflow.WorkflowEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import tools.jackson.databind.ObjectMapper;

/**
 * The node's workflow engine, its embedded worker pool and the reaper. The worker starts once the
 * node is ready and stops before the Raft node does (it depends on it), so it can hand unfinished
 * jobs back.
 */
@Configuration(proxyBeanMethods = false)
class WorkerWiring {
  /** The engine is built before the worker that receives its progress; this hands it over. */
  static final class ProgressRelay implements ProgressSink {
    private volatile Consumer<List<ProgressUpdate>> target = updates -> { };

    void target(Consumer<List<ProgressUpdate>> target) {
      this.target = target;
    }

    @Override
    public void publish(List<ProgressUpdate> updates) {
      target.accept(updates);
    }
  }

  @Bean
  ModuleRegistry moduleRegistry() throws InvalidModuleException {
    ModuleRegistry registry = new ModuleRegistry();
    registry.loadBundled(Main.class.getClassLoader());
    return registry;
  }

  @Bean
  ProgressRelay progressRelay() {
    return new ProgressRelay();
  }

  @Bean(destroyMethod = "close")
  WorkflowEngine workflowEngine(NodeConfig config, ModuleRegistry registry, ProgressRelay relay) {
    EngineConfig engine = EngineConfig.defaults(config.dataDir())
        .withMemoryCapPages(config.workers().memoryLimitMb() * 16)
        .withStackSizeBytes(config.workers().stackSizeKb() * 1024L)
        .withJournalFsync(config.workers().journalFsync());
    return new WorkflowEngine(engine, registry, relay);
  }

  @Bean
  WorkSignal workSignal(ApplyListeners listeners) {
    WorkSignal signal = new WorkSignal();
    listeners.add(signal);
    return signal;
  }

  @Bean(destroyMethod = "close")
  WorkerAgent workerAgent(NodeConfig config, RaftNode node, WorkSignal signal, WorkflowEngine engine,
      ProgressRelay relay, Clock clock, ObjectMapper json) {
    var jobs = config.jobs();
    int capacity = Math.max(1, config.workers().embedded());
    WorkerSettings settings = new WorkerSettings(capacity, jobs.leaseMs(), jobs.heartbeatMs(),
        jobs.backoffBaseMs(), jobs.backoffMaxMs(), Duration.ofSeconds(10));
    LocalTransport transport = new LocalTransport("node-" + config.nodeId(), "node", config.nodeId(), node,
        signal, clock, jobs.leaseMs());
    WorkerAgent agent = new WorkerAgent(settings, transport, engine, json);
    relay.target(agent::publish);
    signal.onCancel(agent::cancelled);
    return agent;
  }

  @Bean(destroyMethod = "close")
  Reaper reaper(NodeConfig config, RaftNode node, Clock clock) {
    return new Reaper(node, clock, config.jobs().reaperIntervalMs(), config.jobs().leaseMs(),
        config.jobs().retentionHours() * 3_600_000L);
  }

  /** The worker first (it resumes what this node held), then the reaper, which could expire it. */
  @EventListener(ApplicationReadyEvent.class)
  void startWorker(ApplicationReadyEvent ready) {
    var context = ready.getApplicationContext();
    if (context.getBean(NodeConfig.class).workers().embedded() > 0) {
      context.getBean(WorkerAgent.class).start();
    }
    context.getBean(Reaper.class).start();
  }
}
