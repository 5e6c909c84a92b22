package io.mvmci.cli;

import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

/**
 * {@code mvm-ci cluster status}: every member as it sees itself; add, remove and replace change them;
 * check compares their copies of the database.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "The cluster's members.",
    subcommands = {ClusterCommand.Status.class, MembersCommands.Add.class, MembersCommands.Remove.class,
        MembersCommands.Replace.class, ClusterCommand.Check.class})
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

  @Command(name = "check", mixinStandardHelpOptions = true, description = {
      "Starts a consistency check and waits for the members' digests of their copies of the database",
      "(README, Operations). Needs secret_api. Exit 0 when every member reported the same digest, 1 when",
      "copies differ (the differing members and tables are printed), 5 when a member did not report in time."})
  static final class Check extends MembersCommands.Change {
    @picocli.CommandLine.Option(names = "--timeout-ms", paramLabel = "MS",
        description = "How long to wait for every member's digest (default 60000).")
    long timeoutMs = 60_000;

    @Override
    public Integer call() throws InterruptedException {
      String path = "/api/v1/admin/cluster/consistency";
      JsonNode check = options.client(env).post(path, secret(), "application/json", new byte[0]);
      long index = check.path("check_index").asLong();
      long deadline = System.nanoTime() + timeoutMs * 1_000_000;
      while (check.path("reports").size() < check.path("members").asInt() && System.nanoTime() < deadline) {
        Thread.sleep(250);
        for (JsonNode c : options.client(env).get(path + "?limit=100", secret()).path("checks")) {
          if (c.path("check_index").asLong() == index) {
            check = c;
          }
        }
      }
      if (options.json) {
        json(check);
      } else {
        Table t = new Table("NODE", "DIGEST", "ROWS", "SCHEMA");
        for (JsonNode r : check.path("reports")) {
          t.row(r.path("node_id").asInt(), r.path("digest").asString().substring(0, 16), r.path("rows").asLong(),
              r.path("schema").asInt());
        }
        t.print(out());
        out().println("check at index " + index + ": " + check.path("outcome").asString()
            + (check.path("differing_members").isEmpty() ? "" : "; differing members " + check.path("differing_members"))
            + (check.path("differing_tables").isEmpty() ? "" : "; differing tables " + check.path("differing_tables")));
      }
      return check.path("outcome").asString().equals("differ") ? ClientExit.JOB_FAILED
          : check.path("outcome").asString().equals("agree") ? ClientExit.OK : ClientExit.TIMEOUT;
    }
  }
}
