package io.mvmci.api;

import io.mvmci.access.TicketService;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/** The API's own infrastructure: the filter that guards worker and administration endpoints. */
@Configuration(proxyBeanMethods = false)
class ApiWiring {
  @Bean
  FilterRegistrationBean<InternalAuthFilter> internalAuth(ApiSecret secret, TicketService tickets,
      ObjectMapper json) {
    FilterRegistrationBean<InternalAuthFilter> r =
        new FilterRegistrationBean<>(new InternalAuthFilter(secret.value(), tickets, json));
    r.addUrlPatterns("/api/v1/workers/*", "/api/v1/tickets", "/api/v1/tickets/*", "/api/v1/modules/*",
        "/api/v1/admin/*");
    r.setOrder(10);
    return r;
  }
}
