package io.mvmci.worker;

import io.mvmci.command.JobRef;
import io.mvmci.command.ReportProgress;
import io.mvmci.workflow.ProgressUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * One run's progress and log lines on their way to the queue: merged as the engine publishes them,
 * taken by the sender, and counted while a send that holds them is in flight.
 */
final class RunProgress {
  private final JobRef ref;
  private ReportProgress.Item pending;
  private int sending;

  RunProgress(JobRef ref) {
    this.ref = ref;
  }

  synchronized void merge(ProgressUpdate u) {
    List<ReportProgress.Line> lines = new ArrayList<>(pending == null ? List.of() : pending.lines());
    u.logLines().forEach(l ->
        lines.add(new ReportProgress.Line(l.atMillis(), l.level().ordinal(), l.message())));
    int percent = pending == null ? -1 : pending.percent();
    String message = pending == null ? "" : pending.message();
    if (u.progress() != null) {
      percent = u.progress().percent();
      message = u.progress().message();
    }
    pending = new ReportProgress.Item(ref, percent, message, lines);
  }

  /** Takes what is buffered for sending; call {@link #sent()} once it was sent or given up. */
  synchronized ReportProgress.Item drain() {
    ReportProgress.Item p = pending;
    pending = null;
    if (p != null) {
      sending++;
    }
    return p;
  }

  synchronized void sent() {
    sending--;
  }

  /** Nothing buffered and nothing in flight. */
  synchronized boolean quiet() {
    return pending == null && sending == 0;
  }
}
