package io.mvmci.workflow;

import java.util.List;

/**
 * A run's history kept outside the engine: the replicated history that a worker keeps through the
 * queue, so that any node can resume the run. A run started with one ({@link RunSpec#withHistory})
 * replays what it holds and records its new steps there; a run started without one keeps its history
 * in the engine's local journal.
 *
 * <p>Contract: {@link #record} and {@link #complete} return once the step is durable, so its result
 * may reach the guest; a lazy step (a log line or a progress report, whose result the guest does not
 * use) may wait for the next durable step, a {@link #flush}, or at most the engine's progress interval.
 * Steps are recorded in order, each once. Log and progress steps carry their message as the result
 * bytes and their level or percent as the code: a history that records them also publishes them (the
 * engine hands them to no {@link ProgressSink}).
 *
 * <p>A run that ends {@link RunOutcome.Suspended} is not flushed by the engine: whoever reports the
 * suspension makes its lazy steps (the step that begins the wait, at least) durable before the
 * suspension, or with it atomically, so the wait is in the history exactly when the job waits.
 *
 * <p>Threading: the run's thread calls everything but {@link #flush}, which the engine's flusher
 * thread also calls; an implementation serialises them.
 *
 * <p>Failures: {@link HistoryException} with its {@link HistoryException.Why}. The run stops at once.
 */
public interface RunHistory {
  /** The recorded steps, without results, in order; read once, when the run starts. */
  List<HistoryStep> recorded();

  /** The result of recorded step {@code seq}, read when the run replays it. */
  byte[] result(int seq);

  /** Records a new step (done with {@code result}, or started with none); see the contract on lazy. */
  void record(HistoryStep step, byte[] result, boolean lazy);

  /** Records the result of step {@code seq}, whose start is recorded. */
  void complete(HistoryStep step, int code, byte[] result);

  /** Makes every lazy step durable. */
  void flush();
}
