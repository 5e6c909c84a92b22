package io.mvmci.workflow;

/**
 * Fault injection for tests: called on a run's thread as the run passes each point of a
 * journaled step. A hook that throws {@link SimulatedCrash} ends the run as if its process had
 * died there: the engine writes nothing more for it. Engines built with the public constructor
 * use {@link #NONE}.
 */
@FunctionalInterface
interface StepHook {
  /** Points of a step, in order; STARTED and PERFORMED exist only for {@code http_request}. */
  enum Point {
    /** The start of the request is journaled; the request is not sent yet. */
    STARTED,
    /** The response (or transport error) is in, its result not yet journaled. */
    PERFORMED,
    /** The step's result is journaled; the guest has not seen it yet. */
    RECORDED
  }

  StepHook NONE = (runId, seq, kind, point) -> {};

  void at(String runId, int seq, AbiImport kind, Point point);

  /** Thrown by a hook to simulate the death of the process at that point. */
  final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) {
      super(message, null, false, false);
    }
  }
}
