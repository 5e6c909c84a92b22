package io.mvmci.ops;

import io.mvmci.api.ApiSecret;
import io.mvmci.api.NodeReadiness;
import io.mvmci.config.NodeConfig;
import io.mvmci.ops.backup.Backups;
import io.mvmci.ops.consistency.ConsistencyChecks;
import io.mvmci.ops.consistency.ConsistencyHealthIndicator;
import io.mvmci.ops.health.RaftHealth;
import io.mvmci.ops.health.RaftHealthIndicator;
import io.mvmci.ops.health.RaftLifecycleHealthIndicator;
import io.mvmci.ops.health.StorageHealthIndicator;
import io.mvmci.ops.metrics.EngineMetrics;
import io.mvmci.ops.metrics.QueueMetrics;
import io.mvmci.ops.metrics.ScheduleMetrics;
import io.mvmci.ops.metrics.WaitMetrics;
import io.mvmci.ops.metrics.RaftMetrics;
import io.mvmci.ops.metrics.Throughput;
import io.mvmci.ops.security.ApiTokenFilter;
import io.mvmci.ops.security.Sessions;
import io.mvmci.replication.ApplyListeners;
import io.mvmci.replication.RaftNode;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.WorkflowEngine;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.time.Clock;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/**
 * Operations: health and readiness, metrics, the public API's token, backups, and the leadership
 * handover on shutdown. Built on the node's own beans; nothing here is on the write path.
 */
@Configuration(proxyBeanMethods = false)
class OpsWiring {
  /** How long a stopping leader may spend handing leadership over. */
  static final long HANDOVER_TIMEOUT_MS = 3_000;

  @Bean
  static LeadershipHandover leadershipHandover() {
    return new LeadershipHandover(HANDOVER_TIMEOUT_MS);
  }

  @Bean(destroyMethod = "close")
  MembershipWatch membershipWatch(RaftNode node, org.springframework.context.ConfigurableApplicationContext context) {
    return new MembershipWatch(node, context);
  }

  @Bean
  RaftHealthIndicator raftHealthIndicator(RaftNode node) {
    return new RaftHealthIndicator(node, RaftHealth.DEFAULT_MAX_APPLY_LAG);
  }

  /** What the cluster view reports as this node's health: the readiness probe's verdict. */
  @Bean
  NodeReadiness nodeReadiness(RaftNode node) {
    return () -> RaftHealth.notReadyReason(node.status(), RaftHealth.DEFAULT_MAX_APPLY_LAG);
  }

  @Bean
  StorageHealthIndicator storageHealthIndicator(RaftNode node) {
    return new StorageHealthIndicator(node);
  }

  @Bean
  RaftLifecycleHealthIndicator raftLifecycleHealthIndicator(RaftNode node) {
    return new RaftLifecycleHealthIndicator(node);
  }

  @Bean
  RaftMetrics raftMetrics(RaftNode node) {
    return new RaftMetrics(node);
  }

  @Bean(destroyMethod = "close")
  QueueMetrics queueMetrics(RaftNode node, ApplyListeners listeners) {
    QueueMetrics metrics = new QueueMetrics(node.stateMachine());
    listeners.add(metrics);
    return metrics;
  }

  /** mvmci_workers_slots{kind}: the embedded worker slots configured and those the heap admits. */
  @Bean
  io.micrometer.core.instrument.binder.MeterBinder workerSlotMetrics(io.mvmci.worker.Admission admission) {
    return registry -> {
      io.micrometer.core.instrument.Gauge.builder("mvmci.workers.slots", admission, a -> a.configured())
          .tag("kind", "configured").description("embedded worker slots: configured, and admitted by the heap")
          .register(registry);
      io.micrometer.core.instrument.Gauge.builder("mvmci.workers.slots", admission, a -> a.admitted())
          .tag("kind", "admitted").description("embedded worker slots: configured, and admitted by the heap")
          .register(registry);
      io.micrometer.core.instrument.Gauge.builder("mvmci.workers.run.memory", admission, a -> a.perRunBytes())
          .baseUnit("bytes").description("what one run may hold on the heap, as admission counts it")
          .register(registry);
    };
  }

  /** mvmci_workers_eager_starts_total: jobs the embedded worker started from a claim riding on their submission. */
  @Bean
  io.micrometer.core.instrument.binder.MeterBinder eagerStartMetrics(io.mvmci.worker.WorkerAgent worker) {
    return registry -> io.micrometer.core.instrument.FunctionCounter.builder("mvmci.workers.eager.starts", worker,
            io.mvmci.worker.WorkerAgent::eagerStarts)
        .description("jobs started by a claim that rode on their submission (eager start)").register(registry);
  }

  @Bean
  WaitMetrics waitMetrics(RaftNode node, ApplyListeners listeners, java.time.Clock clock) {
    WaitMetrics metrics = new WaitMetrics(node.stateMachine(), clock);
    listeners.add(metrics);
    return metrics;
  }

  @Bean
  ScheduleMetrics scheduleMetrics(RaftNode node, ApplyListeners listeners, java.time.Clock clock) {
    ScheduleMetrics metrics = new ScheduleMetrics(node.stateMachine(), clock);
    listeners.add(metrics);
    return metrics;
  }

  @Bean
  Throughput throughput(ApplyListeners listeners) {
    Throughput t = new Throughput();
    listeners.add(t);
    return t;
  }

  @Bean
  EngineMetrics engineMetrics(WorkflowEngine engine, ModuleRegistry modules) {
    return new EngineMetrics(engine, modules);
  }

  @Bean
  Sessions sessions(NodeConfig config) {
    return new Sessions(config.apiToken());
  }

  @Bean
  FilterRegistrationBean<ApiTokenFilter> apiTokenFilter(NodeConfig config, ApiSecret secret, ObjectMapper json,
      Sessions sessions) {
    FilterRegistrationBean<ApiTokenFilter> r =
        new FilterRegistrationBean<>(new ApiTokenFilter(config.apiToken(), secret.value(), json, sessions));
    r.addUrlPatterns("/*");
    r.setOrder(5); // before the API's filters: the internal credentials, then reading bodies
    return r;
  }

  /** The OpenAPI document's cover: what this is, and how callers authenticate. */
  @Bean
  OpenAPI openApi() {
    return new OpenAPI()
        .info(new Info().title("mvm-ci").version("v1").description(
            "Control plane for durable WebAssembly workflows. Public endpoints take"
                + " Authorization: Bearer <api.token> when [api] token is set; worker endpoints take"
                + " secret_api or a worker ticket; administration (tickets, module deploys, backups)"
                + " takes secret_api."))
        .components(new Components().addSecuritySchemes("bearer",
            new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")));
  }

  /** The consistency checks: this node's digests and reports, and the leader's periodic check. */
  @Bean(destroyMethod = "close")
  ConsistencyChecks consistencyChecks(RaftNode node, ApplyListeners listeners, Clock clock, NodeConfig config) {
    ConsistencyChecks checks = new ConsistencyChecks(node, clock, config.raft().consistencyCheckIntervalMs());
    listeners.add(checks);
    checks.start();
    return checks;
  }

  @Bean
  ConsistencyHealthIndicator consistencyHealthIndicator(ConsistencyChecks checks) {
    return new ConsistencyHealthIndicator(checks);
  }

  @Bean
  Backups backups(NodeConfig config, RaftNode node, Clock clock) {
    return new Backups(config, node.stateMachine(), clock);
  }
}
