package io.mvmci.dashboard;

import java.time.Duration;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Serves the dashboard's scripts and styles from the jar, revalidated by the browser on each load. */
@Configuration(proxyBeanMethods = false)
class DashboardWiring implements WebMvcConfigurer {
  @Override
  public void addResourceHandlers(ResourceHandlerRegistry registry) {
    registry.addResourceHandler("/assets/**").addResourceLocations("classpath:/dashboard/assets/")
        .setCacheControl(CacheControl.maxAge(Duration.ZERO).mustRevalidate());
  }
}
