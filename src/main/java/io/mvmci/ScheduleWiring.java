package io.mvmci;

import io.mvmci.config.NodeConfig;
import io.mvmci.queue.JobService;
import io.mvmci.replication.RaftNode;
import io.mvmci.schedule.ScheduleFiring;
import io.mvmci.schedule.ScheduleService;
import java.time.Clock;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Cron schedules: the service the API calls, and the leader's firing loop, which starts once the node
 * is ready (it acts only while this node leads) and stops before the Raft node does.
 */
@Configuration(proxyBeanMethods = false)
class ScheduleWiring {
  @Bean
  ScheduleService scheduleService(RaftNode node, Clock clock, JobService jobs) {
    return new ScheduleService(node, clock, jobs);
  }

  @Bean(destroyMethod = "close")
  ScheduleFiring scheduleFiring(RaftNode node, Clock clock, NodeConfig config) {
    return new ScheduleFiring(node, clock, config.jobs().scheduleGraceMs());
  }

  @EventListener(ApplicationReadyEvent.class)
  void startFiring(ApplicationReadyEvent ready) {
    ready.getApplicationContext().getBean(ScheduleFiring.class).start();
  }
}
