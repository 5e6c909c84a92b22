package io.mvmci;

import io.mvmci.config.ConfigLoader;
import io.mvmci.config.InvalidConfigException;
import io.mvmci.config.NodeConfig;
import io.mvmci.ops.LogSettings;
import io.mvmci.ops.backup.BackupCli;
import io.mvmci.replication.AsyncPool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Entry point of a node; with {@code worker} as the first argument, of a remote worker; with
 * {@code backup} or {@code restore}, of the backup commands ({@link BackupCli}). The configuration
 * is loaded and validated before Spring starts, so a bad file stops the node with one line naming
 * the field and the value (exit status 78, EX_CONFIG).
 */
@SpringBootApplication
public class Main {
  static {
    AsyncPool.ensure(); // before anything uses ForkJoinPool; see there
  }

  /** sysexits.h EX_CONFIG. */
  static final int EXIT_CONFIG = 78;

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("worker")) {
      int status = RemoteWorkerMain.run(List.of(args).subList(1, args.length), System.getenv());
      System.exit(status);
    }
    if (args.length > 0 && (args[0].equals("backup") || args[0].equals("restore"))) {
      System.exit(BackupCli.run(args[0], List.of(args).subList(1, args.length), System.getenv(),
          System.out, System.err));
    }
    try {
      start(args, System.getenv());
    } catch (InvalidConfigException | LogSettings.InvalidLogFormat e) {
      System.err.println(e.getMessage());
      System.exit(EXIT_CONFIG);
    }
  }

  /** Loads the configuration from {@code args} and {@code env} and starts a node with it. */
  public static ConfigurableApplicationContext start(String[] args, Map<String, String> env) {
    NodeConfig config = ConfigLoader.load(args, env);
    SpringApplication app = new SpringApplication(Main.class);
    Map<String, Object> defaults = new HashMap<>(LogSettings.defaults(config.nodeId(), env));
    defaults.put("server.port", config.httpBind().port());
    defaults.put("server.address", config.httpBind().host());
    app.setDefaultProperties(defaults);
    app.addInitializers(ctx -> ctx.getBeanFactory().registerSingleton("nodeConfig", config));
    return app.run(args);
  }
}
