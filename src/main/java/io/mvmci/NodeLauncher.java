package io.mvmci;

import io.mvmci.config.ConfigLoader;
import io.mvmci.config.NodeConfig;
import io.mvmci.ops.LogSettings;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts a node: loads and validates the configuration, runs the {@link StartupChecks}, then starts
 * Spring with the configuration registered as a bean. Spring receives only the Spring properties
 * among the arguments, never {@code --config}.
 */
final class NodeLauncher {
  private static final Pattern SPRING_PROPERTY = Pattern.compile("--[A-Za-z][\\w-]*(\\.[\\w\\[\\]-]+)+=.*",
      Pattern.DOTALL);

  private NodeLauncher() {}

  static ConfigurableApplicationContext start(String[] args, Map<String, String> env) {
    NodeConfig config = ConfigLoader.load(args, env);
    Map<String, Object> defaults = new HashMap<>(LogSettings.defaults(config.nodeId(), env));
    StartupChecks.run(config);
    SpringApplication app = new SpringApplication(NodeApplication.class);
    defaults.put("server.port", config.httpBind().port());
    defaults.put("server.address", config.httpBind().host());
    app.setDefaultProperties(defaults);
    app.addInitializers(ctx -> ctx.getBeanFactory().registerSingleton("nodeConfig", config));
    try {
      return app.run(springArgs(args));
    } catch (RuntimeException e) {
      throw StartupFailure.of(e).orElseThrow(() -> e);
    }
  }

  /** A Spring property on the command line: {@code --name.of.property=value}, a dotted name and a value. */
  static boolean isSpringProperty(String arg) {
    return SPRING_PROPERTY.matcher(arg).matches();
  }

  private static String[] springArgs(String[] args) {
    return Arrays.stream(args).filter(NodeLauncher::isSpringProperty).toArray(String[]::new);
  }
}
