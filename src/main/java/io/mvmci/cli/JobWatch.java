package io.mvmci.cli;

import java.io.PrintWriter;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Follows one job through the event stream until it finishes, drawing a progress bar (on stderr, so
 * stdout stays the job's JSON or line); resumes the stream with its last event id if it breaks.
 */
final class JobWatch {
  static final Set<String> FINISHED = Set.of("Completed", "Failed", "Cancelled");
  private static final int WIDTH = 30;

  private final Client client;
  private final PrintWriter err;
  private final boolean bar;
  private String lastLine = "";

  JobWatch(Client client, PrintWriter err, boolean bar) {
    this.client = client;
    this.err = err;
    this.bar = bar;
  }

  /** The job once it has finished, or as it was when {@code timeoutMs} ran out (then it is not finished). */
  JsonNode await(String id, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    JsonNode job = client.get("/api/v1/jobs/" + id);
    draw(job);
    String lastId = null;
    JsonNode[] latest = {job};
    while (!FINISHED.contains(latest[0].path("status").asString()) && System.currentTimeMillis() < deadline) {
      lastId = client.stream("/api/v1/events?job=" + id, lastId, e -> {
        if (e.type().equals("job")) {
          latest[0] = e.json();
          draw(latest[0]);
        } else if (e.type().equals("resync")) {
          latest[0] = client.get("/api/v1/jobs/" + id);
          draw(latest[0]);
        }
        return !FINISHED.contains(latest[0].path("status").asString()) && System.currentTimeMillis() < deadline;
      });
      if (!FINISHED.contains(latest[0].path("status").asString()) && System.currentTimeMillis() < deadline) {
        // the stream ended (the node stopped, say): read the job once, then resume from where it was
        latest[0] = client.get("/api/v1/jobs/" + id);
        sleep(500);
      }
    }
    if (bar && !lastLine.isEmpty()) {
      err.println();
      err.flush();
    }
    return client.get("/api/v1/jobs/" + id); // with its output, which the stream's events leave out
  }

  private void draw(JsonNode job) {
    if (!bar) {
      return;
    }
    String status = job.path("status").asString();
    int p = job.path("progress").isNumber() ? job.path("progress").asInt()
        : status.equals("Completed") ? 100 : 0;
    int filled = Math.max(0, Math.min(WIDTH, p * WIDTH / 100));
    String line = String.format("%s [%s%s] %3d%% %-10s %s", job.path("job_id").asString(), "#".repeat(filled),
        " ".repeat(WIDTH - filled), p, status, job.path("progress_message").asString(""));
    if (line.length() > 110) {
      line = line.substring(0, 110);
    }
    if (!line.equals(lastLine)) {
      err.print("\r" + line + " ".repeat(Math.max(0, lastLine.length() - line.length())));
      err.flush();
      lastLine = line;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
