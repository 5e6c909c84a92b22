package io.mvmci.cli;

import java.util.Map;
import picocli.CommandLine;

/** Adds the client's commands to the {@code mvm-ci} command line. */
public final class ClientCommands {
  private ClientCommands() {}

  /**
   * Adds {@code jobs}, {@code cluster}, {@code modules} and {@code schedules} to {@code root}; they read their defaults
   * from {@code env}. A refused or failed request ends with one line on stderr and its
   * {@link ClientExit} status.
   */
  public static void addTo(CommandLine root, Map<String, String> env) {
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        K made = CommandLine.defaultFactory().create(cls);
        if (made instanceof ClientCommand c) {
          c.env = env;
        }
        return made;
      }
    };
    for (Class<?> c : new Class<?>[] {JobsCommand.class, ClusterCommand.class, ModulesCommand.class,
        SchedulesCommand.class}) {
      CommandLine sub = new CommandLine(c, factory);
      root.addSubcommand(sub);
    }
  }

  /** The exit status and message of a client failure, or null if {@code e} is not one. */
  public static Integer exitCode(Exception e, java.io.PrintWriter err) {
    if (e instanceof ClientException c) {
      err.println("mvm-ci: " + c.getMessage());
      err.flush();
      return c.exitCode;
    }
    return null;
  }
}
