package io.mvmci.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code mvm-ci modules list|deploy}: the workflow modules' versions, and deploying a new one. */
@Command(name = "modules", mixinStandardHelpOptions = true, description = "Workflow modules.",
    subcommands = {ModulesCommand.List.class, ModulesCommand.Deploy.class})
final class ModulesCommand {
  @Command(name = "list", mixinStandardHelpOptions = true, description = "Every stored version of every module.")
  static final class List extends ClientCommand {
    @Override
    public Integer call() {
      JsonNode mods = options.client(env).get("/api/v1/modules");
      if (options.json) {
        json(mods);
        return ClientExit.OK;
      }
      Table t = new Table("NAME", "SHA-256", "SIZE", "LATEST", "RUNNING", "PINNED", "DEPLOYED");
      for (JsonNode m : mods) {
        t.row(m.path("name").asString(), m.path("sha256").asString(), m.path("size_bytes").asLong(),
            m.path("latest").asBoolean() ? "yes" : "", m.path("jobs_running").asLong(), m.path("jobs_pinned").asLong(),
            m.path("deployed_at").asString());
      }
      t.print(out());
      return ClientExit.OK;
    }
  }

  @Command(name = "deploy", mixinStandardHelpOptions = true, description = {
      "Deploys FILE (a .wasm) cluster-wide as the latest version of its name. Needs secret_api:",
      "--secret, or MVMCI_SECRET_API, else the --token / MVMCI_TOKEN given."})
  static final class Deploy extends ClientCommand {
    @Parameters(paramLabel = "FILE")
    Path file;
    @Option(names = "--name", description = "The module's name (default: FILE's name without .wasm).")
    String name;
    @Option(names = "--check", description = "Replay the runs in flight against it first; refuse (exit 4) if one diverges.")
    boolean check;
    @Option(names = "--secret", paramLabel = "SECRET_API", description = "secret_api (env MVMCI_SECRET_API).")
    String secret;

    @Override
    public Integer call() {
      byte[] wasm;
      try {
        wasm = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new ClientException(ClientExit.USAGE, "cannot read " + file + ": " + e.getMessage());
      }
      String n = name != null ? name : file.getFileName().toString().replaceFirst("\\.wasm$", "");
      String s = secret != null ? secret : env.getOrDefault("MVMCI_SECRET_API", options.token != null ? options.token
          : env.get("MVMCI_TOKEN"));
      JsonNode r = options.client(env).post("/api/v1/modules/" + java.net.URLEncoder.encode(n,
          java.nio.charset.StandardCharsets.UTF_8) + (check ? "?check=in-flight" : ""), s, "application/wasm", wasm);
      if (options.json) {
        json(r);
      } else {
        out().println(r.path("name").asString() + " " + r.path("sha256").asString() + " (" + r.path("size_bytes").asLong()
            + " bytes" + (r.has("check") ? ", " + r.path("check").path("checked").asInt() + " runs in flight checked" : "")
            + ")");
        out().flush();
      }
      return ClientExit.OK;
    }
  }
}
