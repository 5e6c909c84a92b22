package io.mvmci;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The options of {@code mvm-ci} and {@code mvm-ci node}: the configuration file, and Spring Boot
 * properties in {@code --name.of.property=value} form (a dotted name and a value), which go to Spring
 * as they are. Anything else is an unknown option.
 */
final class NodeOptions {
  static final String FOOTER = "%nSpring Boot properties may follow as --name.of.property=value, e.g. "
      + "--logging.level.io.mvmci=DEBUG.%nEnvironment: MVMCI_CONFIG, MVMCI_NODE_ID, MVMCI_DATA_DIR (or DATA_DIR), "
      + "HTTP_PORT, MVMCI_LOG_FORMAT (text, ecs, logstash or gelf).";

  @Option(names = "--config", paramLabel = "FILE", description = {
      "The node's TOML configuration file. Default: the file $MVMCI_CONFIG names, else built-in "
          + "defaults (one node, HTTP on 127.0.0.1:3020, Raft on 9000, data in ./data).",
      "MVMCI_NODE_ID, MVMCI_DATA_DIR (or DATA_DIR) and HTTP_PORT override the file."})
  String config;

  @Option(names = "--join", paramLabel = "HOST:PORT", description = {
      "Join a running cluster through this member's HTTP address (node.join; env MVMCI_NODE__JOIN).",
      "Only while the data directory is empty; then add the node with mvm-ci cluster add."})
  String join;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /**
   * Starts the node; it runs on in its own threads once this returns.
   *
   * @param unmatched the command's {@code @Unmatched} arguments (picocli ignores that annotation in a
   *     mixin): Spring properties, or unknown options
   */
  int start(List<String> unmatched, Map<String, String> env) {
    List<String> unknown = unmatched.stream().filter(a -> !NodeLauncher.isSpringProperty(a)).toList();
    if (!unknown.isEmpty()) {
      throw new UnmatchedArgumentException(spec.commandLine(), unknown);
    }
    List<String> args = new ArrayList<>();
    if (config != null) {
      args.add("--config=" + config);
    }
    args.addAll(unmatched);
    Map<String, String> withJoin = env;
    if (join != null) {
      withJoin = new java.util.HashMap<>(env);
      withJoin.put("MVMCI_NODE__JOIN", join);
    }
    NodeLauncher.start(args.toArray(String[]::new), withJoin);
    return ExitCodes.OK;
  }
}
