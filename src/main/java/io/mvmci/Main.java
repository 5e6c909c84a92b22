package io.mvmci;

import io.mvmci.replication.AsyncPool;
import java.io.PrintWriter;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Entry point of {@code mvm-ci}: a node by default, or the {@code worker}, {@code backup} and
 * {@code restore} commands ({@link MvmCiCommand}). {@code --help} on any of them prints its usage.
 */
public final class Main {
  static {
    AsyncPool.ensure(); // before anything uses ForkJoinPool; see there
  }

  private Main() {}

  /**
   * Runs the command and exits with its status when it failed. The exit is explicit: a node whose
   * start failed may have started threads that are not daemons (Ratis, Tomcat, pools), and without it
   * the JVM would stay alive after Spring closed the node, with nothing listening.
   */
  public static void main(String[] args) {
    int status;
    try {
      status = MvmCiCommand.execute(args, System.getenv(), new PrintWriter(System.out, true),
          new PrintWriter(System.err, true));
    } catch (Throwable t) { // NOPMD: the last resort; whatever it is, the process must end
      t.printStackTrace();
      status = ExitCodes.FAILED;
    }
    if (status != ExitCodes.OK) {
      System.exit(status);
    }
  }

  /**
   * Starts a node in this JVM, as {@code mvm-ci --config FILE} does, and answers once it is up.
   *
   * @param args {@code --config FILE} (else {@code MVMCI_CONFIG} or built-in defaults) and Spring
   *     properties ({@code --name.of.property=value})
   * @throws StartupFailure one line saying why the node could not start (port, data directory)
   * @throws io.mvmci.config.InvalidConfigException if the configuration is invalid
   */
  public static ConfigurableApplicationContext start(String[] args, Map<String, String> env) {
    return NodeLauncher.start(args, env);
  }
}
