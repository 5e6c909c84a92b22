package io.mvmci.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * What every client command shares: the client options, the environment they default from, stdout
 * and stderr (picocli's, so tests can read them), and how a job is printed.
 */
abstract class ClientCommand implements Callable<Integer> {

  @Mixin
  ClientOptions options;
  @Spec
  CommandSpec spec;
  Map<String, String> env = System.getenv();

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  void json(JsonNode n) {
    out().println(n.toString());
    out().flush();
  }

  static int outcome(JsonNode job) {
    return "Completed".equals(job.path("status").asString()) ? ClientExit.OK : ClientExit.JOB_FAILED;
  }

  void show(JsonNode job) {
    if (options.json) {
      json(job);
      return;
    }
    Table t = new Table("FIELD", "VALUE");
    for (String f : new String[] {"job_id", "status", "workflow", "url", "progress", "progress_message",
        "attempt", "failures", "max_attempts", "worker_id", "module_sha256", "reason", "error", "created_at",
        "started_at", "finished_at"}) {
      if (job.hasNonNull(f)) {
        t.row(f, job.get(f).asString());
      }
    }
    if (job.hasNonNull("output")) {
      t.row("output", job.get("output").toString());
    }
    t.print(out());
  }
}
