package io.mvmci.job;

/** A line a job's workflow logged: its position in the job's log, when, in which attempt, at which level. */
public record LogLine(long id, long at, int attempt, int level, String message) {
  private static final String[] LEVELS = {"debug", "info", "warn", "error"};

  public String levelName() {
    return LEVELS[Math.max(0, Math.min(3, level))];
  }
}
