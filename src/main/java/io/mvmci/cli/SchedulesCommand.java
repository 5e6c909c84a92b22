package io.mvmci.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code mvm-ci schedules list|get|create|delete|pause|resume|trigger}: cron schedules over
 * {@code /api/v1/schedules}. The node validates; a refusal prints its problem's detail and exits 65
 * (invalid), 3 (unknown id) or 4 (the id exists).
 */
@Command(name = "schedules", mixinStandardHelpOptions = true, description = "Cron schedules that submit jobs.",
    subcommands = {SchedulesCommand.List.class, SchedulesCommand.Get.class, SchedulesCommand.Create.class,
        SchedulesCommand.Delete.class, SchedulesCommand.Pause.class, SchedulesCommand.Resume.class,
        SchedulesCommand.Trigger.class})
final class SchedulesCommand {
  static String path(String id) {
    return "/api/v1/schedules/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
  }

  /** A command that prints a schedule. */
  abstract static class Shows extends ClientCommand {
    /** Prints a schedule: one table of fields, then its recent fires if the node sent them. */
    void print(JsonNode s) {
      if (options.json) {
        json(s);
        return;
      }
      Table t = new Table("FIELD", "VALUE");
      for (String f : new String[] {"id", "cron", "time_zone", "overlap", "catch_up", "paused", "next_fire_at",
          "last_fire_at", "last_job_id", "created_at", "updated_at"}) {
        if (s.hasNonNull(f)) {
          t.row(f, s.get(f).asString());
        }
      }
      t.row("job", s.path("job").toString());
      JsonNode c = s.path("counts");
      t.row("counts", "submitted " + c.path("submitted").asLong() + ", skipped " + c.path("skipped").asLong()
          + ", missed " + c.path("missed").asLong());
      t.print(out());
      if (s.path("recent_fires").size() > 0) {
        out().println();
        Table fires = new Table("FIRE TIME", "KIND", "OUTCOME", "JOB", "LATE MS", "DETAIL");
        for (JsonNode f : s.get("recent_fires")) {
          fires.row(f.path("fire_time").asString(), f.path("kind").asString(), f.path("outcome").asString(),
              f.path("job_id").asString(""), f.path("lateness_ms").asLong(), f.path("detail").asString(""));
        }
        fires.print(out());
      }
    }
  }

  /** A command on one schedule, named by its id. */
  abstract static class One extends Shows {
    @Parameters(paramLabel = "ID", index = "0")
    String id;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Every schedule, by id.")
  static final class List extends ClientCommand {
    @Override
    public Integer call() {
      JsonNode page = options.client(env).get("/api/v1/schedules");
      if (options.json) {
        json(page);
        return ClientExit.OK;
      }
      Table t = new Table("ID", "CRON", "TIME ZONE", "WORKFLOW", "OVERLAP", "CATCH UP", "NEXT FIRE", "LAST JOB",
          "SUBMITTED");
      for (JsonNode s : page.path("schedules")) {
        t.row(s.path("id").asString(), s.path("cron").asString(), s.path("time_zone").asString(),
            s.path("job").path("workflow").asString(), s.path("overlap").asString(), s.path("catch_up").asString(),
            s.path("paused").asBoolean() ? "paused" : s.path("next_fire_at").asString(""),
            s.path("last_job_id").asString(""), s.path("counts").path("submitted").asLong());
      }
      t.print(out());
      return ClientExit.OK;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Prints one schedule and its latest fires.")
  static final class Get extends One {
    @Option(names = "--fires", defaultValue = "20", description = "How many of its latest fires (0-100).")
    int fires;

    @Override
    public Integer call() {
      print(options.client(env).get(path(id) + "?fires=" + fires));
      return ClientExit.OK;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = {
      "Creates a schedule (exit 4 if ID exists; --replace creates or replaces it) and prints it.",
      "CRON: six fields (second minute hour day month weekday), five (minute first), or a macro (@daily)."})
  static final class Create extends Shows {
    @Parameters(paramLabel = "ID", index = "0")
    String id;
    @Parameters(paramLabel = "CRON", index = "1")
    String cron;
    @Option(names = "--time-zone", paramLabel = "ZONE", description = "An IANA zone such as Europe/Paris (default UTC).")
    String timeZone;
    @Option(names = "--workflow", required = true, description = "The workflow module each fire runs.")
    String workflow;
    @Option(names = "--input", paramLabel = "JSON", description = "The workflow's input, a JSON object.")
    String input;
    @Option(names = "--job-url", description = "The job's url (--url is the node's).")
    String jobUrl;
    @Option(names = "--priority")
    Integer priority;
    @Option(names = "--max-attempts")
    Integer maxAttempts;
    @Option(names = "--overlap", description = "While the last job runs: skip (default), queue or allow.")
    String overlap;
    @Option(names = "--catch-up", description = "After downtime: none (default) or last.")
    String catchUp;
    @Option(names = "--paused", description = "Create it paused.")
    boolean paused;
    @Option(names = "--replace", description = "Create or replace (PUT) instead of create only.")
    boolean replace;

    @Override
    public Integer call() {
      ObjectNode job = Client.JSON.createObjectNode().put("workflow", workflow);
      if (input != null) {
        try {
          job.set("input", Client.JSON.readTree(input));
        } catch (RuntimeException e) {
          throw new ClientException(ClientExit.USAGE, "--input is not JSON: " + e.getMessage());
        }
      }
      if (jobUrl != null) {
        job.put("url", jobUrl);
      }
      if (priority != null) {
        job.put("priority", priority);
      }
      if (maxAttempts != null) {
        job.put("max_attempts", maxAttempts);
      }
      ObjectNode body = Client.JSON.createObjectNode().put("id", id).put("cron", cron);
      if (timeZone != null) {
        body.put("time_zone", timeZone);
      }
      body.set("job", job);
      if (overlap != null) {
        body.put("overlap", overlap);
      }
      if (catchUp != null) {
        body.put("catch_up", catchUp);
      }
      if (paused) {
        body.put("paused", true);
      }
      byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
      Client client = options.client(env);
      print(replace ? client.put(path(id), "application/json", bytes)
          : client.post("/api/v1/schedules", "application/json", bytes));
      return ClientExit.OK;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a schedule (its jobs stay).")
  static final class Delete extends One {
    @Override
    public Integer call() {
      options.client(env).delete(path(id));
      if (options.json) {
        json(Client.JSON.createObjectNode().put("id", id).put("deleted", true));
      } else {
        out().println("deleted " + id);
        out().flush();
      }
      return ClientExit.OK;
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pauses a schedule: no fires until resumed.")
  static final class Pause extends One {
    @Override
    public Integer call() {
      print(options.client(env).post(path(id) + "/pause", null, new byte[0]));
      return ClientExit.OK;
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = {
      "Resumes a schedule from its next fire time after now (what passed while paused is not caught up)."})
  static final class Resume extends One {
    @Override
    public Integer call() {
      print(options.client(env).post(path(id) + "/resume", null, new byte[0]));
      return ClientExit.OK;
    }
  }

  @Command(name = "trigger", mixinStandardHelpOptions = true, description = {
      "Fires a schedule now, as its overlap policy allows; prints the outcome and the job."})
  static final class Trigger extends One {
    @Override
    public Integer call() {
      JsonNode r = options.client(env).post(path(id) + "/trigger", null, new byte[0]);
      if (options.json) {
        json(r);
      } else {
        out().println(r.path("outcome").asString() + (r.hasNonNull("job_id") ? " " + r.get("job_id").asString() : ""));
        out().flush();
      }
      return ClientExit.OK;
    }
  }
}
