package io.mvmci.workflow;

import java.util.List;

/**
 * What one run reported since the previous update: its latest progress, if it changed, and
 * the log lines it wrote. When the engine had to drop lines to stay within its rate limit,
 * the list ends with a WARN line saying how many.
 *
 * @param progress the latest progress, or null if none was reported since the last update
 */
public record ProgressUpdate(String runId, Progress progress, List<LogLine> logLines) {
  public ProgressUpdate {
    logLines = List.copyOf(logLines);
  }

  /** A progress report: {@code percent} in 0-100 and a message of at most 1 KiB. */
  public record Progress(int percent, String message) {}
}
