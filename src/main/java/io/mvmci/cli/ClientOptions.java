package io.mvmci.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** Where the API is and how to talk to it; flags beat the environment, which beats the defaults. */
final class ClientOptions {
  static final String DEFAULT_URL = "http://127.0.0.1:3020";

  @Option(names = "--url", paramLabel = "URL",
      description = "A node's HTTP address (env MVMCI_URL; default " + DEFAULT_URL + ").")
  String url;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "[api] token, or secret_api (env MVMCI_TOKEN); none by default.")
  String token;

  @Option(names = "--json", description = "Print the API's JSON instead of a table.")
  boolean json;

  Client client(Map<String, String> env) {
    String u = url != null ? url : env.getOrDefault("MVMCI_URL", DEFAULT_URL);
    String t = token != null ? token : env.get("MVMCI_TOKEN");
    return new Client(u, t == null || t.isBlank() ? null : t);
  }
}
