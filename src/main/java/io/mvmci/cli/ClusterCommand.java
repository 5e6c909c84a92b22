package io.mvmci.cli;

import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

/** {@code mvm-ci cluster status}: every member as it sees itself; add, remove and replace change them. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "The cluster's members.",
    subcommands = {ClusterCommand.Status.class, MembersCommands.Add.class, MembersCommands.Remove.class,
        MembersCommands.Replace.class})
final class ClusterCommand {
  @Command(name = "status", mixinStandardHelpOptions = true, description = {
      "Every member: role, state, health, term, commit and applied index, lag, snapshot.",
      "Exit 0 when every member is ready, 1 when one is not or does not answer."})
  static final class Status extends ClientCommand {
    @Override
    public Integer call() {
      JsonNode c = options.client(env).get("/api/v1/cluster?members=true");
      if (options.json) {
        json(c);
      }
      java.util.List<JsonNode> views = new java.util.ArrayList<>();
      views.add(c);
      c.path("peers").forEach(views::add);
      views.sort(java.util.Comparator.comparingInt(v -> v.path("node_id").asInt()));
      boolean allReady = true;
      Table t = new Table("NODE", "ROLE", "STATE", "READY", "TERM", "COMMIT", "APPLIED", "LAG", "SNAPSHOT", "NOTE");
      for (JsonNode v : views) {
        boolean up = !v.path("state").asString().equals("unreachable");
        boolean ready = up && v.path("ready").asBoolean(false);
        allReady &= ready;
        t.row(v.path("node_id").asInt(), up ? v.path("role").asString() : "", v.path("state").asString(),
            ready ? "yes" : "no", up ? v.path("term").asLong() : "", up ? v.path("commit_index").asLong() : "",
            up ? v.path("applied_index").asLong() : "", up ? v.path("apply_lag").asLong() : "",
            up ? v.path("snapshot_index").asLong() : "", up ? v.path("not_ready").asString("") : v.path("error").asString(""));
      }
      if (!options.json) {
        t.print(out());
      }
      return allReady ? ClientExit.OK : ClientExit.JOB_FAILED;
    }
  }
}
