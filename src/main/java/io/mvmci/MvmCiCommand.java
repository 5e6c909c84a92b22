package io.mvmci;

import io.mvmci.cli.ClientCommands;
import io.mvmci.config.InvalidConfigException;
import io.mvmci.ops.LogSettings;
import io.mvmci.ops.backup.BackupCli;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code mvm-ci}: the command line. Without a command it starts a node; {@code node}, {@code worker},
 * {@code backup} and {@code restore} are its commands, and {@code jobs}, {@code cluster} and
 * {@code modules} are the API's client ({@link io.mvmci.cli}). {@code --help} on any of them prints its usage
 * and starts nothing. A wrong or unknown option ends with picocli's message, a hint, and status 2;
 * an invalid configuration with one line and 78; a node that cannot start with one line (see
 * {@link StartupFailure}) and a non-zero status, whatever the cause.
 */
@Command(name = "mvm-ci", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    exitCodeOnInvalidInput = ExitCodes.USAGE,
    description = {"A clustered control plane that runs jobs as durable WebAssembly workflows.",
        "Without a command, starts a node (as mvm-ci node).", ""},
    footer = NodeOptions.FOOTER)
final class MvmCiCommand implements Callable<Integer> {
  private final Map<String, String> env;

  @Mixin
  NodeOptions options;

  @Unmatched
  List<String> unmatched = new ArrayList<>();

  MvmCiCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    return options.start(unmatched, env);
  }

  /** Runs the command {@code args} name; answers the exit status. */
  static int execute(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new MvmCiCommand(env))
        .addSubcommand(new NodeCommand(env))
        .addSubcommand(new WorkerCommand(env))
        .addSubcommand(BackupCli.backupCommand(env))
        .addSubcommand(BackupCli.restoreCommand(env))
        .addSubcommand(new CommandLine.HelpCommand());
    ClientCommands.addTo(cli, env);
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(MvmCiCommand::usageError);
    cli.setExecutionExceptionHandler((e, command, parsed) -> {
      Integer client = ClientCommands.exitCode(e, command.getErr());
      if (client != null) {
        return client;
      }
      if (e instanceof StartupFailure f) {
        command.getErr().println(f.getMessage());
        return f.exitCode();
      }
      if (e instanceof InvalidConfigException || e instanceof LogSettings.InvalidLogFormat) {
        command.getErr().println(e.getMessage());
        return ExitCodes.CONFIG;
      }
      if (command.getCommand() instanceof MvmCiCommand || command.getCommand() instanceof NodeCommand) {
        // Spring has logged the trace (and closed what had started); one line, and a failed exit
        command.getErr().println(StartupFailure.oneLine(e));
        return ExitCodes.FAILED;
      }
      throw e;
    });
    return cli.execute(args);
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    String name = command.getCommandSpec().qualifiedName();
    err.println(name + ": " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + name + " --help' for more information.");
    return command.getCommandSpec().exitCodeOnInvalidInput(); // backup and restore keep sysexits' 64
  }

}
