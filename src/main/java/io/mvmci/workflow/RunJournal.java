package io.mvmci.workflow;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One run's cursor over its history ({@link RunHistory}: the engine's local journal, or one kept
 * outside the engine). Used only by the run's thread.
 *
 * <p>Invariant: steps are recorded in call order with no gaps; step {@code k} of a resumed run must
 * ask for exactly what step {@code k} of the history asked for.
 */
final class RunJournal {
  private static final byte[] NOTHING = new byte[0];

  private final RunHistory history;
  private final boolean external;
  private final String runId;
  private final List<HistoryStep> recorded;
  private final StepHook hook;
  private final EngineStats stats;
  private int cursor;

  /**
   * @param external whether {@code history} is kept outside the engine: then log and progress steps
   *     carry their message and are recorded lazily, and the history publishes them
   */
  RunJournal(RunHistory history, boolean external, String runId, StepHook hook, EngineStats stats) {
    this.history = history;
    this.external = external;
    this.runId = runId;
    this.recorded = List.copyOf(history.recorded());
    this.hook = hook;
    this.stats = stats;
  }

  /** Whether log lines and progress reach the job through the history (not the ProgressSink). */
  boolean publishesLogs() {
    return external;
  }

  /**
   * Begins the next step. Returns the history's record of it when the run is replaying (with its
   * result, or only its start), or null when the step is new.
   *
   * @throws RunAbort.Diverged if the history's step asked for something else
   */
  Step next(Step.Request request) {
    int seq = cursor++;
    if (seq >= recorded.size()) {
      return null;
    }
    HistoryStep step = recorded.get(seq);
    if (!step.kind().equals(request.kind().importName()) || !Arrays.equals(step.digest(), request.digest())) {
      throw new RunAbort.Diverged("non-deterministic workflow: step " + seq + ": journal has "
          + describe(step) + ", run called " + request.describe());
    }
    return new Step(seq, request, step.done(), step.code(), step.done() ? history.result(seq) : null);
  }

  /** The position of the current step (the one {@link #next} began last). */
  int current() {
    return cursor - 1;
  }

  /** Records the current (new) step with its result. */
  void record(Step.Request request, int code, byte[] result) {
    int seq = cursor - 1;
    history.record(step(seq, request, true, code), result, false);
    stats.stepRecorded();
    hook.at(runId, seq, request.kind(), StepHook.Point.RECORDED);
  }

  /**
   * Records the current (new) step with its result, lazily: it becomes durable with the next durable
   * step, or with the run's suspension (the step that begins a wait), never later than anything that
   * depends on it. A run that dies first records it again when resumed, as if it had not been reached.
   */
  void recordLazily(Step.Request request, int code, byte[] result) {
    int seq = cursor - 1;
    history.record(step(seq, request, true, code), result, true);
    stats.stepRecorded();
    hook.at(runId, seq, request.kind(), StepHook.Point.RECORDED);
  }

  /**
   * Records the current (new) log or progress step, whose result the guest does not use: with its
   * message when the history publishes it, and lazily.
   */
  void recordLazy(Step.Request request, int code, byte[] message) {
    int seq = cursor - 1;
    history.record(step(seq, request, true, external ? code : 0), external ? message : NOTHING, external);
    stats.stepRecorded();
    hook.at(runId, seq, request.kind(), StepHook.Point.RECORDED);
  }

  /** Records that the current (new) step's side effect is about to start. */
  void recordStart(Step.Request request) {
    int seq = cursor - 1;
    history.record(step(seq, request, false, 0), NOTHING, false);
    stats.stepRecorded();
    hook.at(runId, seq, request.kind(), StepHook.Point.STARTED);
  }

  /** Tells the hook that the current step's side effect happened. */
  void performed(AbiImport kind) {
    hook.at(runId, cursor - 1, kind, StepHook.Point.PERFORMED);
  }

  /** Records the result of the current step, whose start is recorded. */
  void recordResult(Step.Request request, int code, byte[] result) {
    int seq = cursor - 1;
    history.complete(step(seq, request, true, code), code, result);
    hook.at(runId, seq, request.kind(), StepHook.Point.RECORDED);
  }

  /** Makes lazily recorded steps durable (before the run's outcome is reported). */
  void flush() {
    history.flush();
  }

  /** The first recorded step the run did not reach, if it ended before its history did. */
  Optional<String> firstUnreached() {
    return cursor < recorded.size()
        ? Optional.of("step " + cursor + ": journal has " + describe(recorded.get(cursor)))
        : Optional.empty();
  }

  private static HistoryStep step(int seq, Step.Request request, boolean done, int code) {
    return new HistoryStep(seq, request.kind().importName(), request.digest(), request.summary(), done, code);
  }

  private static String describe(HistoryStep step) {
    return step.kind() + (step.summary().isEmpty() ? "" : " " + step.summary());
  }
}
