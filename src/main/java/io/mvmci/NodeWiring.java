package io.mvmci;

import io.mvmci.config.NodeConfig;
import io.mvmci.queue.JobDefaults;
import io.mvmci.queue.JobService;
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
  JobService jobService(RaftNode node, Clock clock, NodeConfig config, ObjectMapper json,
      ModuleRegistry modules) {
    JobDefaults defaults = new JobDefaults(JobDefaults.STANDARD.workflow(), config.jobs().maxAttempts(),
        config.jobs().timeoutMs(), config.api().maxBodyBytes());
    return new JobService(node, clock, defaults, name -> modules.latest(name).isPresent(), json);
  }
}
