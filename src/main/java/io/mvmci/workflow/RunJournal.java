package io.mvmci.workflow;

import java.util.List;
import java.util.Optional;

/**
 * One run's cursor over its journal. Used only by the run's thread.
 *
 * <p>Invariant: steps are journaled in call order with no gaps; step {@code k} of a resumed run
 * must ask for exactly what step {@code k} of the journal asked for.
 */
final class RunJournal {
  private static final byte[] NOTHING = new byte[0];

  private final Journal journal;
  private final String runId;
  private final long runNo;
  private final List<Step> recorded;
  private final StepHook hook;
  private int cursor;

  RunJournal(Journal journal, String runId, long runNo, List<Step> recorded, StepHook hook) {
    this.journal = journal;
    this.runId = runId;
    this.runNo = runNo;
    this.recorded = List.copyOf(recorded);
    this.hook = hook;
  }

  /**
   * Begins the next step. Returns the journal's record of it when the run is replaying (with
   * its result, or only its start), or null when the step is new.
   *
   * @throws RunAbort.Diverged if the journal's step asked for something else
   */
  Step next(Step.Request request) {
    int seq = cursor++;
    if (seq >= recorded.size()) {
      return null;
    }
    Step step = recorded.get(seq);
    if (!step.request().sameAs(request)) {
      throw new RunAbort.Diverged("non-deterministic workflow: step " + seq + ": journal has "
          + step.request().describe() + ", run called " + request.describe());
    }
    return step.done()
        ? new Step(seq, step.request(), true, step.code(), journal.result(runNo, seq))
        : step;
  }

  /** Journals the current (new) step with its result. */
  void record(Step.Request request, int code, byte[] result) {
    int seq = cursor - 1;
    journal.append(runNo, new Step(seq, request, true, code, result));
    hook.at(runId, seq, request.kind(), StepHook.Point.RECORDED);
  }

  /** Journals that the current (new) step's side effect is about to start. */
  void recordStart(Step.Request request) {
    int seq = cursor - 1;
    journal.append(runNo, new Step(seq, request, false, 0, NOTHING));
    hook.at(runId, seq, request.kind(), StepHook.Point.STARTED);
  }

  /** Tells the hook that the current step's side effect happened. */
  void performed(AbiImport kind) {
    hook.at(runId, cursor - 1, kind, StepHook.Point.PERFORMED);
  }

  /** Journals the result of the current step, whose start is journaled. */
  void recordResult(AbiImport kind, int code, byte[] result) {
    int seq = cursor - 1;
    journal.complete(runNo, seq, code, result);
    hook.at(runId, seq, kind, StepHook.Point.RECORDED);
  }

  /** The first journaled step the run did not reach, if it ended before its journal did. */
  Optional<Step> firstUnreached() {
    return cursor < recorded.size() ? Optional.of(recorded.get(cursor)) : Optional.empty();
  }
}
