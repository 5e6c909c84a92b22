package io.mvmci;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Unmatched;

/** {@code mvm-ci node}: starts a node, exactly as {@code mvm-ci} without a command does. */
@Command(name = "node", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    exitCodeOnInvalidInput = ExitCodes.USAGE,
    description = "Starts a node of the control plane (what mvm-ci does without a command).",
    footer = NodeOptions.FOOTER)
final class NodeCommand implements Callable<Integer> {
  private final Map<String, String> env;

  @Mixin
  NodeOptions options;

  @Unmatched
  List<String> unmatched = new ArrayList<>();

  NodeCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    return options.start(unmatched, env);
  }
}
