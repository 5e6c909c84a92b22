package io.mvmci.workflow;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link WorkflowEngine}. Start from {@link #defaults(Path)} and change what you
 * need with the {@code with...} methods.
 *
 * @param journalFile the SQLite journal; one engine (one process) owns it at a time
 * @param memoryCapPages most 64 KiB pages of linear memory a run may have; {@code memory.grow}
 *     past it returns -1 (default 1024, 64 MiB)
 * @param stackSizeBytes stack size of each run's thread; bounds the guest's call depth
 * @param defaultTimeout wall-clock limit of a run whose spec sets none (default 5 minutes)
 * @param stopGrace how long a run may take to stop once cancelled or timed out before its
 *     outcome is settled without it and its thread abandoned
 * @param progressInterval how often coalesced progress and log lines are published (default 200 ms)
 * @param logLinesPerInterval most log lines published per run per interval; the rest are
 *     counted and reported as dropped
 * @param logBytesPerInterval most bytes of log messages published per run per interval
 * @param clock the wall clock behind {@code now_ms}, durable sleeps and log timestamps
 * @param journalFsync whether every journal commit is fsynced ({@code synchronous=FULL}): a step
 *     then survives a power cut too, not only a process crash; default false (see workflow/DESIGN.md)
 */
public record EngineConfig(
    Path journalFile,
    int memoryCapPages,
    long stackSizeBytes,
    Duration defaultTimeout,
    Duration stopGrace,
    Duration progressInterval,
    int logLinesPerInterval,
    int logBytesPerInterval,
    Clock clock,
    boolean journalFsync) {

  /** Chicory's largest memory, in pages. */
  public static final int MAX_MEMORY_PAGES = 32767;

  public EngineConfig {
    Objects.requireNonNull(journalFile, "journalFile");
    Objects.requireNonNull(clock, "clock");
    if (memoryCapPages < 1 || memoryCapPages > MAX_MEMORY_PAGES) {
      throw new IllegalArgumentException(
          "memoryCapPages must be 1-" + MAX_MEMORY_PAGES + ", was " + memoryCapPages);
    }
    if (stackSizeBytes < 64 * 1024) {
      throw new IllegalArgumentException("stackSizeBytes must be at least 65536, was " + stackSizeBytes);
    }
    requirePositive("defaultTimeout", defaultTimeout);
    requirePositive("stopGrace", stopGrace);
    requirePositive("progressInterval", progressInterval);
    if (logLinesPerInterval < 1 || logBytesPerInterval < 1) {
      throw new IllegalArgumentException("logLinesPerInterval and logBytesPerInterval must be positive, were "
          + logLinesPerInterval + " and " + logBytesPerInterval);
    }
  }

  /** Defaults, with the journal at {@code <dataDir>/journal.sqlite}. */
  public static EngineConfig defaults(Path dataDir) {
    return new EngineConfig(
        dataDir.resolve("journal.sqlite"), 1024, 8L * 1024 * 1024, Duration.ofMinutes(5),
        Duration.ofSeconds(5), Duration.ofMillis(200), 100, 64 * 1024, Clock.systemUTC(), false);
  }

  public EngineConfig withMemoryCapPages(int pages) {
    return new EngineConfig(journalFile, pages, stackSizeBytes, defaultTimeout, stopGrace,
        progressInterval, logLinesPerInterval, logBytesPerInterval, clock, journalFsync);
  }

  public EngineConfig withStackSizeBytes(long bytes) {
    return new EngineConfig(journalFile, memoryCapPages, bytes, defaultTimeout, stopGrace,
        progressInterval, logLinesPerInterval, logBytesPerInterval, clock, journalFsync);
  }

  public EngineConfig withDefaultTimeout(Duration timeout) {
    return new EngineConfig(journalFile, memoryCapPages, stackSizeBytes, timeout, stopGrace,
        progressInterval, logLinesPerInterval, logBytesPerInterval, clock, journalFsync);
  }

  public EngineConfig withStopGrace(Duration grace) {
    return new EngineConfig(journalFile, memoryCapPages, stackSizeBytes, defaultTimeout, grace,
        progressInterval, logLinesPerInterval, logBytesPerInterval, clock, journalFsync);
  }

  public EngineConfig withProgressInterval(Duration interval) {
    return new EngineConfig(journalFile, memoryCapPages, stackSizeBytes, defaultTimeout, stopGrace,
        interval, logLinesPerInterval, logBytesPerInterval, clock, journalFsync);
  }

  public EngineConfig withLogLimits(int linesPerInterval, int bytesPerInterval) {
    return new EngineConfig(journalFile, memoryCapPages, stackSizeBytes, defaultTimeout, stopGrace,
        progressInterval, linesPerInterval, bytesPerInterval, clock, journalFsync);
  }

  public EngineConfig withClock(Clock clock) {
    return new EngineConfig(journalFile, memoryCapPages, stackSizeBytes, defaultTimeout, stopGrace,
        progressInterval, logLinesPerInterval, logBytesPerInterval, clock, journalFsync);
  }

  public EngineConfig withJournalFsync(boolean fsync) {
    return new EngineConfig(journalFile, memoryCapPages, stackSizeBytes, defaultTimeout, stopGrace,
        progressInterval, logLinesPerInterval, logBytesPerInterval, clock, fsync);
  }

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
