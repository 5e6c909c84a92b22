package io.mvmci.cli;

import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code mvm-ci jobs ...}: submit, read, follow, cancel and retry jobs on any node. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "Submit, list, follow, cancel and retry jobs.",
    subcommands = {JobsCommand.Submit.class, JobsCommand.Get.class, JobsCommand.List.class, JobsCommand.Logs.class,
        JobsCommand.Cancel.class, JobsCommand.Retry.class, JobsCommand.Artifacts.class, JobsCommand.Download.class})
final class JobsCommand {
  @Command(name = "submit", mixinStandardHelpOptions = true, description = {"Submits a job and prints it.",
      "With --wait, draws its progress on stderr until it finishes: exit 0 if it Completed, 1 if it Failed or"
          + " was Cancelled, 5 if --timeout ran out."})
  static final class Submit extends ClientCommand {
    @Option(names = "--workflow", description = "The workflow module (default: the crawler).")
    String workflow;
    @Parameters(paramLabel = "URL", arity = "0..1", description = "The job's url (the page the crawler fetches).")
    String jobUrl;
    @Option(names = "--input", paramLabel = "JSON", description = "The workflow's input, a JSON object.")
    String input;
    @Option(names = "--priority")
    Integer priority;
    @Option(names = "--delay-ms")
    Long delayMs;
    @Option(names = "--max-attempts")
    Integer maxAttempts;
    @Option(names = "--idempotency-key")
    String key;
    @Option(names = "--labels", paramLabel = "LABEL[,LABEL...]", split = ",",
        description = "Labels a worker must all have to run the job.")
    java.util.List<String> labels;
    @Option(names = "--concurrency-key", paramLabel = "KEY", description = "The job's concurrency group.")
    String concurrencyKey;
    @Option(names = "--concurrency-limit", paramLabel = "N",
        description = "How many jobs of the group may hold a slot at once (default 1).")
    Integer concurrencyLimit;
    @Option(names = "--concurrency-policy", paramLabel = "queue|cancel_in_progress|skip",
        description = "When the group is full (default queue).")
    String concurrencyPolicy;
    @Option(names = "--wait", description = "Wait until the job finishes, with a progress bar.")
    boolean await;
    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600", description = "How long --wait waits.")
    long timeout;

    @Override
    public Integer call() {
      ObjectNode body = Client.JSON.createObjectNode();
      if (workflow != null) {
        body.put("workflow", workflow);
      }
      if (jobUrl != null) {
        body.put("url", jobUrl);
      }
      if (input != null) {
        try {
          body.set("input", Client.JSON.readTree(input));
        } catch (RuntimeException e) {
          throw new ClientException(ClientExit.USAGE, "--input is not JSON: " + e.getMessage());
        }
      }
      if (priority != null) {
        body.put("priority", priority);
      }
      if (delayMs != null) {
        body.put("delay_ms", delayMs);
      }
      if (maxAttempts != null) {
        body.put("max_attempts", maxAttempts);
      }
      if (labels != null) {
        labels.forEach(body.putArray("labels")::add);
      }
      if (concurrencyKey != null) {
        body.put("concurrency_key", concurrencyKey);
      }
      if (concurrencyLimit != null) {
        body.put("concurrency_limit", concurrencyLimit);
      }
      if (concurrencyPolicy != null) {
        body.put("concurrency_policy", concurrencyPolicy);
      }
      Client client = options.client(env);
      byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
      JsonNode job = key == null ? client.post("/api/v1/jobs", "application/json", bytes)
          : client.post("/api/v1/jobs", "application/json", bytes, "Idempotency-Key", key);
      if (!await) {
        if (options.json) {
          json(job);
        } else {
          out().println(job.path("job_id").asString());
          out().flush();
        }
        return ClientExit.OK;
      }
      JsonNode done = new JobWatch(client, err(), true).await(job.path("job_id").asString(), timeout * 1000);
      show(done);
      return JobWatch.FINISHED.contains(done.path("status").asString()) ? outcome(done) : ClientExit.TIMEOUT;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Prints one job.")
  static final class Get extends ClientCommand {
    @Parameters(paramLabel = "JOB_ID")
    String id;
    @Option(names = "--wait", description = "Wait until it finishes (exit 0 Completed, 1 Failed or Cancelled).")
    boolean await;
    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600")
    long timeout;

    @Override
    public Integer call() {
      Client client = options.client(env);
      JsonNode job = await ? new JobWatch(client, err(), !options.json).await(id, timeout * 1000)
          : client.get("/api/v1/jobs/" + id);
      show(job);
      if (!await) {
        return ClientExit.OK;
      }
      return JobWatch.FINISHED.contains(job.path("status").asString()) ? outcome(job) : ClientExit.TIMEOUT;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists jobs, newest first.")
  static final class List extends ClientCommand {
    @Option(names = "--status", description = "One or more statuses, comma-separated.")
    String status;
    @Option(names = "--workflow")
    String workflow;
    @Option(names = "--limit", defaultValue = "20")
    int limit;
    @Option(names = "--cursor", description = "The next_cursor of a previous page.")
    String cursor;

    @Override
    public Integer call() {
      StringBuilder q = new StringBuilder("/api/v1/jobs?order=desc&limit=").append(limit);
      append(q, "status", status);
      append(q, "workflow", workflow);
      append(q, "cursor", cursor);
      JsonNode page = options.client(env).get(q.toString());
      if (options.json) {
        json(page);
        return ClientExit.OK;
      }
      Table t = new Table("JOB", "STATUS", "WORKFLOW", "PROGRESS", "ATTEMPT", "UPDATED", "REASON");
      for (JsonNode j : page.path("jobs")) {
        t.row(j.path("job_id").asString(), j.path("status").asString(), j.path("workflow").asString(),
            j.hasNonNull("progress") ? j.get("progress").asInt() + "%" : "", j.path("attempt").asInt(),
            j.path("updated_at").asString(), j.path("reason").asString());
      }
      t.print(out());
      if (page.hasNonNull("next_cursor")) {
        err().println("more: --cursor " + page.get("next_cursor").asString());
        err().flush();
      }
      return ClientExit.OK;
    }

    private static void append(StringBuilder q, String name, String value) {
      if (value != null && !value.isBlank()) {
        q.append('&').append(name).append('=').append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    }
  }

  @Command(name = "logs", mixinStandardHelpOptions = true, description = {"Prints a job's log lines.",
      "With --follow, prints them as they are written until the job finishes (exit 0 if it Completed, 1 if not)."})
  static final class Logs extends ClientCommand {
    @Parameters(paramLabel = "JOB_ID")
    String id;
    @Option(names = {"-f", "--follow"})
    boolean follow;

    @Override
    public Integer call() {
      Client client = options.client(env);
      if (!follow) {
        String after = "";
        do {
          JsonNode page = client.get("/api/v1/jobs/" + id + "/logs?limit=1000" + after);
          page.path("lines").forEach(this::line);
          after = page.hasNonNull("next_after") ? "&after=" + page.get("next_after").asLong() : null;
        } while (after != null);
        return ClientExit.OK;
      }
      String[] status = {null};
      String last = null;
      while (status[0] == null) {
        last = client.stream("/api/v1/jobs/" + id + "/logs?follow=true", last, e -> {
          if (e.type().equals("log")) {
            line(e.json());
          } else if (e.type().equals("end")) {
            status[0] = e.json().path("status").asString();
            return false;
          }
          return true;
        });
        if (status[0] == null) {
          JsonNode job = client.get("/api/v1/jobs/" + id); // the stream broke: resume after the last line
          try {
            Thread.sleep(500);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return ClientExit.UNAVAILABLE;
          }
          if (job == null) {
            return ClientExit.NOT_FOUND;
          }
        }
      }
      return "Completed".equals(status[0]) ? ClientExit.OK : ClientExit.JOB_FAILED;
    }

    private void line(JsonNode l) {
      if (options.json) {
        json(l);
      } else {
        out().println(l.path("at").asString() + " " + l.path("level").asString().toUpperCase(java.util.Locale.ROOT)
            + " " + l.path("message").asString());
        out().flush();
      }
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancels a job (exit 4 if it already finished).")
  static final class Cancel extends ClientCommand {
    @Parameters(paramLabel = "JOB_ID")
    String id;

    @Override
    public Integer call() {
      show(options.client(env).post("/api/v1/jobs/" + id + "/cancel", null, new byte[0]));
      return ClientExit.OK;
    }
  }

  @Command(name = "retry", mixinStandardHelpOptions = true,
      description = "Puts a Failed or Cancelled job back in the queue now (exit 4 for any other job).")
  static final class Retry extends ClientCommand {
    @Parameters(paramLabel = "JOB_ID")
    String id;

    @Override
    public Integer call() {
      show(options.client(env).post("/api/v1/jobs/" + id + "/retry", null, new byte[0]));
      return ClientExit.OK;
    }
  }

  @Command(name = "artifacts", mixinStandardHelpOptions = true, description = "Lists a job's artifacts.")
  static final class Artifacts extends ClientCommand {
    @Parameters(paramLabel = "JOB_ID")
    String id;

    @Override
    public Integer call() {
      JsonNode list = options.client(env).get("/api/v1/jobs/" + id + "/artifacts");
      if (options.json) {
        json(list);
        return ClientExit.OK;
      }
      Table t = new Table("NAME", "SIZE", "SHA256", "HOLDERS");
      for (JsonNode a : list.path("artifacts")) {
        t.row(a.path("name").asString(), a.path("size").asLong(), a.path("sha256").asString(),
            a.path("holders").asString());
      }
      t.print(out());
      out().flush();
      return ClientExit.OK;
    }
  }

  @Command(name = "download", mixinStandardHelpOptions = true,
      description = "Downloads an artifact of a job (from any node) to a file.")
  static final class Download extends ClientCommand {
    @Parameters(index = "0", paramLabel = "JOB_ID")
    String id;
    @Parameters(index = "1", paramLabel = "NAME")
    String name;
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to save it (default: NAME).")
    java.nio.file.Path output;

    @Override
    public Integer call() {
      java.nio.file.Path target = output != null ? output : java.nio.file.Path.of(name);
      long n = options.client(env).download("/api/v1/jobs/" + id + "/artifacts/"
          + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"), target);
      err().println(n + " bytes saved to " + target);
      err().flush();
      return ClientExit.OK;
    }
  }
}
