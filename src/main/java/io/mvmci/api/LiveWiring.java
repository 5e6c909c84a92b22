package io.mvmci.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mvmci.job.Job;
import io.mvmci.job.LogLine;
import io.mvmci.live.JobFeed;
import io.mvmci.replication.ApplyListeners;
import io.mvmci.replication.RaftNode;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/** The live feed behind the SSE streams, rendering jobs and log lines as the rest of the API does. */
@Configuration(proxyBeanMethods = false)
class LiveWiring {
  /** A followed job's log line: {@code GET /api/v1/jobs/{id}/logs}'s line, with its job. */
  record LiveLine(String jobId, long id, String at, int attempt, String level, String message) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record End(String jobId, String status, String reason, String error) {}

  @Bean(destroyMethod = "close")
  JobFeed jobFeed(RaftNode node, ApplyListeners listeners, ObjectMapper json) {
    JobFeed feed = new JobFeed(() -> node.stateMachine().queries(), new JobFeed.Renderer() {
      @Override
      public byte[] job(Job job) {
        return json.writeValueAsBytes(JobView.summary(job));
      }

      @Override
      public byte[] line(Job job, LogLine l) {
        return json.writeValueAsBytes(new LiveLine(job.id(), l.id(), JobView.time(l.at()), l.attempt(),
            l.levelName(), l.message()));
      }

      @Override
      public byte[] end(Job job) {
        return json.writeValueAsBytes(new End(job.id(), job.status().name(), job.reason(), job.error()));
      }
    });
    listeners.add(feed);
    return feed;
  }

  /** {@code mvmci_live_streams}: the event streams and log followers open on this node. */
  @Bean
  io.micrometer.core.instrument.binder.MeterBinder liveStreamsGauge(JobFeed feed) {
    return registry -> io.micrometer.core.instrument.Gauge.builder("mvmci.live.streams", feed, JobFeed::listeners)
        .description("Server-Sent Events streams open on this node (job changes and followed logs)")
        .register(registry);
  }

  /**
   * Ends the open streams when the node begins to stop, before the web server's graceful shutdown
   * (which would otherwise wait for them): clients reconnect, to this node once it is back or to
   * another.
   */
  @Bean
  SmartLifecycle liveStreamsShutdown(JobFeed feed) {
    return new SmartLifecycle() {
      private volatile boolean running;

      @Override
      public void start() {
        running = true;
      }

      @Override
      public void stop() {
        running = false;
        feed.close();
      }

      @Override
      public boolean isRunning() {
        return running;
      }

      @Override
      public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
      }
    };
  }
}
