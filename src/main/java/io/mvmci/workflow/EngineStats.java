package io.mvmci.workflow;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What an engine has done since it was built, for metrics: runs started, runs ended by outcome,
 * journal writes. Counters only ever grow. Thread-safe; reading never blocks a run.
 */
public final class EngineStats {
  private final LongAdder started = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final Map<FailureKind, LongAdder> failed = new EnumMap<>(FailureKind.class);
  private final LongSupplier journalWrites;

  EngineStats(LongSupplier journalWrites) {
    this.journalWrites = journalWrites;
    for (FailureKind k : FailureKind.values()) {
      failed.put(k, new LongAdder());
    }
  }

  void started() {
    started.increment();
  }

  void ended(RunOutcome outcome) {
    if (outcome instanceof RunOutcome.Failed f) {
      failed.get(f.kind()).increment();
    } else if (outcome != null) {
      succeeded.increment();
    }
  }

  /** Runs started or resumed (a resumed run counts again). */
  public long runsStarted() {
    return started.sum();
  }

  public long runsSucceeded() {
    return succeeded.sum();
  }

  /** Runs that ended with a failure of {@code kind} (traps are {@link FailureKind#TRAP}). */
  public long runsFailed(FailureKind kind) {
    return failed.get(kind).sum();
  }

  private final java.util.concurrent.atomic.LongAdder steps = new java.util.concurrent.atomic.LongAdder();

  void stepRecorded() {
    steps.increment();
  }

  /** New steps runs recorded, in any history (the replicated one of a worker's run, or the local journal). */
  public long stepsRecorded() {
    return steps.sum();
  }

  /** Rows written to the local journal: runs begun and ended, steps appended and completed. */
  public long journalWrites() {
    return journalWrites.getAsLong();
  }
}
