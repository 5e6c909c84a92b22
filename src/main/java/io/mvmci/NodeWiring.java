package io.mvmci;

import io.mvmci.config.NodeConfig;
import io.mvmci.queue.JobDefaults;
import io.mvmci.queue.JobService;
import io.mvmci.replication.ApplyListener;
import io.mvmci.replication.RaftNode;
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

  @Bean(destroyMethod = "close")
  RaftNode raftNode(NodeConfig config) throws IOException {
    return RaftNode.start(RaftSettingsFactory.from(config), ApplyListener.NONE);
  }

  @Bean
  JobService jobService(RaftNode node, Clock clock, NodeConfig config, ObjectMapper json) {
    JobDefaults defaults = new JobDefaults(JobDefaults.STANDARD.workflow(), config.jobs().maxAttempts(),
        config.jobs().timeoutMs(), config.api().maxBodyBytes());
    return new JobService(node, clock, defaults, name -> true, json);
  }
}
