package io.mvmci;

import io.mvmci.access.TicketService;
import io.mvmci.api.ApiSecret;
import io.mvmci.config.NodeConfig;
import io.mvmci.deploy.ModuleDeployer;
import io.mvmci.deploy.Replays;
import io.mvmci.workflow.WorkflowEngine;
import io.mvmci.queue.JobDefaults;
import io.mvmci.queue.JobService;
import io.mvmci.queue.JobWaiters;
import io.mvmci.replication.ApplyListeners;
import io.mvmci.replication.RaftNode;
import io.mvmci.workflow.ModuleRegistry;
import java.io.IOException;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/** The node's long-lived parts, built from the {@link NodeConfig} that {@link Main} registered. */
@Configuration(proxyBeanMethods = false)
class NodeWiring {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  ApplyListeners applyListeners() {
    return new ApplyListeners();
  }

  @Bean(destroyMethod = "close")
  RaftNode raftNode(NodeConfig config, ApplyListeners listeners) throws IOException {
    return RaftNode.start(RaftSettingsFactory.from(config), listeners);
  }

  @Bean
  ApiSecret apiSecret(NodeConfig config) throws IOException {
    return new ApiSecret(NodeSecrets.api(config));
  }

  @Bean
  TicketService ticketService(RaftNode node, Clock clock) {
    return new TicketService(node, clock);
  }

  @Bean(destroyMethod = "close")
  ModuleDeployer moduleDeployer(RaftNode node, ModuleRegistry modules, Clock clock,
      ApplyListeners listeners, NodeConfig config) {
    ModuleDeployer deployer = new ModuleDeployer(node, modules, clock,
        config.workers().allowInterpretedModules());
    listeners.add(deployer);
    deployer.loadAll();
    deployer.seedBundled();
    return deployer;
  }

  @Bean
  Replays replays(RaftNode node, ModuleRegistry modules, WorkflowEngine engine) {
    return new Replays(node, modules, engine);
  }

  @Bean
  JobWaiters jobWaiters(ApplyListeners listeners) {
    JobWaiters waiters = new JobWaiters();
    listeners.add(waiters);
    return waiters;
  }

  @Bean
  JobService jobService(RaftNode node, Clock clock, NodeConfig config, ObjectMapper json,
      ModuleRegistry modules, JobWaiters waiters) {
    JobDefaults defaults = new JobDefaults(JobDefaults.STANDARD.workflow(), config.jobs().maxAttempts(),
        config.jobs().timeoutMs(), config.api().maxBodyBytes());
    return new JobService(node, clock, defaults, name -> modules.latest(name).isPresent(),
        (name, sha256) -> modules.find(name, sha256).isPresent(), json, waiters);
  }
}
