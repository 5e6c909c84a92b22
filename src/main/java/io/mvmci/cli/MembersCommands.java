package io.mvmci.cli;

import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code mvm-ci cluster add|remove|replace}: changes the Raft group's members at runtime through any
 * member's admin API ({@code /api/v1/admin/cluster/members}, secret_api). Each prints the members once
 * the change is committed.
 */
final class MembersCommands {
  private MembersCommands() {}

  /** A command of the admin API: it takes secret_api. */
  abstract static class Change extends ClientCommand {
    @Option(names = "--secret", paramLabel = "SECRET_API", description = "secret_api (env MVMCI_SECRET_API).")
    String secret;

    String secret() {
      return secret != null ? secret : env.getOrDefault("MVMCI_SECRET_API", options.token != null ? options.token
          : env.get("MVMCI_TOKEN"));
    }

    int print(JsonNode r) {
      if (options.json) {
        json(r);
        return ClientExit.OK;
      }
      Table t = new Table("ID", "ROLE", "RAFT", "HTTP");
      for (JsonNode m : r.path("members")) {
        t.row(m.path("id").asInt(), m.path("role").asString(), m.path("raft").asString(), m.path("http").asString(""));
      }
      t.print(out());
      return ClientExit.OK;
    }
  }

  /** The new member's id and addresses. */
  abstract static class Adding extends Change {
    @Parameters(index = "0", paramLabel = "ID", description = "The new member's id (unused in the cluster).")
    int id;
    @Parameters(index = "1", paramLabel = "RAFT", description = "Its Raft address, host:port.")
    String raft;
    @Parameters(index = "2", paramLabel = "HTTP", description = "Its HTTP address, host:port.")
    String http;
    @Option(names = "--catch-up-ms", paramLabel = "MS",
        description = "How long it may take to catch up before the change is given up (default 120000).")
    Long catchUpMs;

    byte[] body() {
      ObjectNode b = Client.JSON.createObjectNode().put("id", id).put("raft", raft).put("http", http);
      if (catchUpMs != null) {
        b.put("catch_up_ms", catchUpMs);
      }
      return b.toString().getBytes(StandardCharsets.UTF_8);
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = {
      "Adds a member: start it first with an empty data directory and --join (or node.join) naming a",
      "member; it catches up as a non-voting listener, then becomes a voter. Needs secret_api."})
  static final class Add extends Adding {
    @Override
    public Integer call() {
      return print(options.client(env).post("/api/v1/admin/cluster/members", secret(), "application/json", body()));
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = {
      "Removes a member; it stops by itself once it sees the change. Needs secret_api."})
  static final class Remove extends Change {
    @Parameters(index = "0", paramLabel = "ID")
    int id;

    @Override
    public Integer call() {
      return print(options.client(env).delete("/api/v1/admin/cluster/members/" + id, secret()));
    }
  }

  @Command(name = "replace", mixinStandardHelpOptions = true, description = {
      "Replaces member OLD (a dead node, say) with a new one, started as for add: the new member",
      "catches up, then one change makes it a voter and takes OLD out. Needs secret_api."})
  static final class Replace extends Adding {
    @Option(names = "--old", paramLabel = "OLD", required = true, description = "The member to replace.")
    int old;

    @Override
    public Integer call() {
      return print(options.client(env).post("/api/v1/admin/cluster/members/" + old + "/replace", secret(),
          "application/json", body()));
    }
  }
}
