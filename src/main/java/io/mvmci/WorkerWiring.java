package io.mvmci;

import io.mvmci.command.AppendSteps;
import io.mvmci.command.ClaimJobs;
import io.mvmci.command.Result;
import io.mvmci.config.NodeConfig;
import io.mvmci.queue.EagerStarts;
import io.mvmci.queue.EagerStartRewriter;
import io.mvmci.replication.ApplyListeners;
import io.mvmci.replication.RaftNode;
import io.mvmci.api.ClaimPause;
import io.mvmci.worker.Admission;
import io.mvmci.worker.ProgressRelay;
import io.mvmci.worker.WorkerAgent;
import io.mvmci.worker.node.ChildJobs;
import io.mvmci.worker.node.LocalTransport;
import io.mvmci.worker.node.Timers;
import io.mvmci.worker.node.Reaper;
import io.mvmci.worker.node.WorkSignal;
import io.mvmci.workflow.InvalidModuleException;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.WorkflowEngine;
import java.time.Clock;
import java.util.List;
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
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkerWiring.class);

  @Bean
  ModuleRegistry moduleRegistry(NodeConfig config) throws InvalidModuleException {
    ModuleRegistry registry = new ModuleRegistry(config.dataDir().resolve(WorkerSettingsFactory.COMPILED_DIR));
    registry.loadBundled(WorkerWiring.class.getClassLoader());
    return registry;
  }

  @Bean
  ProgressRelay progressRelay() {
    return new ProgressRelay();
  }

  @Bean(destroyMethod = "close")
  WorkflowEngine workflowEngine(NodeConfig config, ModuleRegistry registry, ProgressRelay relay) {
    return new WorkflowEngine(WorkerSettingsFactory.embeddedEngine(config), registry, relay,
        WorkerSettingsFactory.embeddedEgress(config));
  }

  @Bean
  WorkSignal workSignal(ApplyListeners listeners) {
    WorkSignal signal = new WorkSignal();
    listeners.add(signal);
    return signal;
  }

  /** How many embedded runs fit this JVM's heap; logged, and exported as mvmci_workers_slots. */
  @Bean
  Admission admission(NodeConfig config) {
    Admission a = WorkerSettingsFactory.embeddedAdmission(config, Runtime.getRuntime().maxMemory());
    if (config.workers().embedded() > 0) {
      if (a.reduced() || a.overcommitted()) {
        LOG.warn("{}", a.describe());
      } else {
        LOG.info("{}", a.describe());
      }
    }
    return a;
  }

  @Bean(destroyMethod = "close")
  WorkerAgent workerAgent(NodeConfig config, RaftNode node, WorkSignal signal, WorkflowEngine engine,
      ProgressRelay relay, Clock clock, ObjectMapper json, ChildJobs children,
      io.mvmci.artifact.ArtifactService artifacts) {
    LocalTransport transport = new LocalTransport("node-" + config.nodeId(), "node", config.nodeId(), node,
        signal, clock, config.jobs().leaseMs(), new AppendSteps.Limits(config.jobs().maxStepBytes(),
            config.jobs().maxHistoryBytes(), config.jobs().maxHistorySteps()), children)
        .withLabels(config.workers().labels())
        .withArtifacts(ArtifactWiring.forRuns(artifacts, json));
    WorkerAgent agent = new WorkerAgent(WorkerSettingsFactory.embedded(config), transport, engine, json);
    relay.target(agent::publish);
    signal.onCancel(agent::cancelled);
    if (config.workers().embedded() > 0) {
      node.stateMachine().rewriteProposalsWith(new EagerStartRewriter(new EagerStarts() {
        @Override
        public ClaimJobs reserve(long now) {
          return agent.takeEagerSlot() ? transport.eagerClaim(now) : null;
        }

        @Override
        public void claimed(List<Result.ClaimedJob> claimed, long sentNanos) {
          agent.eagerClaimed(claimed, sentNanos);
        }
      }, clock), config.raft().logEntryMaxBytes());
    }
    return agent;
  }

  @Bean(destroyMethod = "close")
  Reaper reaper(NodeConfig config, RaftNode node, Clock clock) {
    return new Reaper(node, clock, config.jobs().reaperIntervalMs(), config.jobs().leaseMs(),
        config.jobs().retentionHours() * 3_600_000L);
  }

  @Bean(destroyMethod = "close")
  Timers timers(RaftNode node, Clock clock) {
    return new Timers(node, clock);
  }

  @Bean
  ClaimPause claimPause(NodeConfig config) {
    return new ClaimPause(config.dataDir());
  }

  /**
   * The worker first (it resumes what this node held), then the reaper, which could expire it. A node
   * whose claims are paused ({@link ClaimPause}) starts its worker once they resume.
   */
  @EventListener(ApplicationReadyEvent.class)
  void startWorker(ApplicationReadyEvent ready) {
    var context = ready.getApplicationContext();
    if (context.getBean(NodeConfig.class).workers().embedded() > 0) {
      ClaimPause pause = context.getBean(ClaimPause.class);
      if (pause.paused()) {
        LOG.warn("claims are paused on this node (restored with --paused): its worker does not claim and its"
            + " remote workers get no jobs until POST /api/v1/admin/claims/resume");
      }
      WorkerAgent agent = context.getBean(WorkerAgent.class);
      RaftNode node = context.getBean(RaftNode.class);
      if (node.membership().isVoter()) {
        pause.whenResumed(agent::start);
      } else {
        // A joiner runs no jobs before it is a voter: its database is still catching up.
        LOG.info("this node is not a voter yet (joining): its worker starts once it has been added");
        Thread wait = new Thread(() -> {
          while (!node.membership().isVoter()) {
            try {
              Thread.sleep(250);
            } catch (InterruptedException e) {
              return;
            }
          }
          LOG.info("this node is a voter now; starting its worker");
          pause.whenResumed(agent::start);
        }, "worker-after-join");
        wait.setDaemon(true);
        wait.start();
      }
    }
    context.getBean(Reaper.class).start();
    context.getBean(Timers.class).start();
  }
}
