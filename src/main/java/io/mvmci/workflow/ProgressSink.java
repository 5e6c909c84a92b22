package io.mvmci.workflow;

import java.util.List;

/**
 * Where progress and log lines leave the engine (the queue carries them through the
 * replicated log).
 *
 * <p>Contract: the engine calls {@code publish} from one thread at a time, at most once per
 * flush interval plus once at the end of each run (that run's last update comes before its
 * outcome completes). Each list holds at most one update per run. An exception thrown by
 * {@code publish} is logged and the updates are lost; it does not affect the runs.
 * Delivery is at most once: updates buffered in the engine when the process dies are lost.
 */
@FunctionalInterface
public interface ProgressSink {
  void publish(List<ProgressUpdate> updates);
}
