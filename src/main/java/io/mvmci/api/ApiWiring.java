package io.mvmci.api;

import io.mvmci.access.TicketService;
import io.mvmci.config.NodeConfig;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/**
 * The API's own infrastructure: the filter that guards worker and administration endpoints, and the
 * one that reads request bodies without holding a thread, after every credential check.
 */
@Configuration(proxyBeanMethods = false)
class ApiWiring {
  /**
   * Order of the filters: the public token (ops, 5), the internal credentials (10), the Content-Type
   * check (15), then bodies.
   */
  static final int INTERNAL_AUTH_ORDER = 10;
  static final int CONTENT_TYPE_ORDER = 15;
  static final int BODY_READ_ORDER = 20;
  /** The fewest bytes of bodies being read at once that a node allows, whatever its heap. */
  static final long MIN_BODY_BUDGET = 64L * 1024 * 1024;

  /** A Content-Type that does not parse or is a wildcard: 415 before the body is read. */
  @Bean
  FilterRegistrationBean<ContentTypeFilter> contentType(ObjectMapper json) {
    FilterRegistrationBean<ContentTypeFilter> r = new FilterRegistrationBean<>(new ContentTypeFilter(json));
    r.addUrlPatterns("/*");
    r.setOrder(CONTENT_TYPE_ORDER);
    return r;
  }

  /** An Accept that rules out JSON refuses a write before it runs ({@link AcceptBeforeWrite}). */
  @Bean
  org.springframework.web.servlet.config.annotation.WebMvcConfigurer acceptBeforeWrite() {
    return new org.springframework.web.servlet.config.annotation.WebMvcConfigurer() {
      @Override
      public void addInterceptors(org.springframework.web.servlet.config.annotation.InterceptorRegistry registry) {
        registry.addInterceptor(new AcceptBeforeWrite());
      }
    };
  }

  /** Tomcat's own refusals as problem+json, and CONNECT as a 405 ({@link ContainerErrors}). */
  @Bean
  org.springframework.boot.web.server.WebServerFactoryCustomizer<
      org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory> containerErrors() {
    return factory -> factory.addContextCustomizers(context -> {
      if (context.getParent() instanceof org.apache.catalina.core.StandardHost host) {
        host.setErrorReportValveClass(ContainerErrors.class.getName());
      }
    });
  }

  @Bean
  FilterRegistrationBean<InternalAuthFilter> internalAuth(ApiSecret secret, TicketService tickets,
      ObjectMapper json) {
    FilterRegistrationBean<InternalAuthFilter> r =
        new FilterRegistrationBean<>(new InternalAuthFilter(secret.value(), tickets, json));
    r.addUrlPatterns("/api/v1/workers/*", "/api/v1/tickets", "/api/v1/tickets/*", "/api/v1/modules/*",
        "/api/v1/admin/*");
    r.setOrder(INTERNAL_AUTH_ORDER);
    return r;
  }

  /**
   * A JSON body that names a field twice is refused (400), as the form parser refuses a field given
   * twice, instead of the last one silently winning.
   */
  @Bean
  MemberChanges memberChanges(io.mvmci.replication.RaftNode node, NodeConfig config, ApiSecret secret,
      ObjectMapper json) {
    return new MemberChanges(node, config, secret.value(), json);
  }

  @Bean
  org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer strictDuplicates() {
    return builder -> builder.enable(tools.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION);
  }

  @Bean
  FilterRegistrationBean<BodyReadFilter> bodyRead(NodeConfig config, ObjectMapper json) {
    long budget = Math.max(MIN_BODY_BUDGET, Runtime.getRuntime().maxMemory() / 8);
    FilterRegistrationBean<BodyReadFilter> r = new FilterRegistrationBean<>(
        new BodyReadFilter(json, config.api().bodyTimeoutMs(), path -> bodyCap(config, path), budget));
    r.addUrlPatterns("/*");
    r.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
    r.setAsyncSupported(true);
    r.setOrder(BODY_READ_ORDER);
    return r;
  }

  /** Artifact uploads: their controller streams the body to disk under its own cap. */
  static final java.util.regex.Pattern STREAMED_UPLOAD =
      java.util.regex.Pattern.compile("/api/v1/workers/jobs/[^/]+/artifacts/[^/]+");

  /** The most body bytes the endpoint at {@code path} takes; its controller checks its own exact cap. */
  static long bodyCap(NodeConfig config, String path) {
    if (STREAMED_UPLOAD.matcher(path).matches()) {
      return BodyReadFilter.STREAMED;
    }
    if (path.startsWith("/api/v1/modules/")) {
      return config.api().maxModuleBytes();
    }
    if (path.startsWith("/api/v1/workers/")) {
      return Math.max(WorkerController.MAX_BODY, WorkerHistoryController.MAX_BODY);
    }
    if (path.equals("/api/v1/jobs/batch")) {
      return config.raft().groupCommitMaxBytes();
    }
    return Math.max(config.api().maxBodyBytes(), 64 * 1024);
  }
}
