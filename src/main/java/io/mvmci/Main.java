package io.mvmci;

import io.mvmci.config.ConfigLoader;
import io.mvmci.config.InvalidConfigException;
import io.mvmci.config.NodeConfig;
import io.mvmci.replication.RaftNode;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Entry point of a node. The configuration is loaded and validated before Spring starts, so a bad
 * file stops the node with one line naming the field and the value (exit status 78, EX_CONFIG).
 */
@SpringBootApplication
public class Main {
  static {
    RaftNode.ensureAsyncPool(); // before anything uses ForkJoinPool; see there
  }

  /** sysexits.h EX_CONFIG. */
  static final int EXIT_CONFIG = 78;

  public static void main(String[] args) {
    try {
      start(args, System.getenv());
    } catch (InvalidConfigException e) {
      System.err.println(e.getMessage());
      System.exit(EXIT_CONFIG);
    }
  }

  /** Loads the configuration from {@code args} and {@code env} and starts a node with it. */
  public static ConfigurableApplicationContext start(String[] args, Map<String, String> env) {
    NodeConfig config = ConfigLoader.load(args, env);
    SpringApplication app = new SpringApplication(Main.class);
    app.setDefaultProperties(Map.of(
        "server.port", config.httpBind().port(),
        "server.address", config.httpBind().host()));
    app.addInitializers(ctx -> ctx.getBeanFactory().registerSingleton("nodeConfig", config));
    return app.run(args);
  }
}
