package io.mvmci.workflows;

import io.mvmci.workflow.LogLevel;
import io.mvmci.workflow.LogLine;
import io.mvmci.workflow.ProgressSink;
import io.mvmci.workflow.ProgressUpdate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every update the engine publishes, in order. */
final class RecordingSink implements ProgressSink {
  private final List<ProgressUpdate> updates = new CopyOnWriteArrayList<>();

  @Override
  public void publish(List<ProgressUpdate> batch) {
    updates.addAll(batch);
  }

  List<ProgressUpdate.Progress> progress(String runId) {
    return updates.stream().filter(u -> u.runId().equals(runId) && u.progress() != null)
        .map(ProgressUpdate::progress).toList();
  }

  Optional<ProgressUpdate.Progress> latestProgress(String runId) {
    List<ProgressUpdate.Progress> all = progress(runId);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  List<LogLine> logLines(String runId) {
    return updates.stream().filter(u -> u.runId().equals(runId)).flatMap(u -> u.logLines().stream()).toList();
  }

  List<String> logMessages(String runId, LogLevel level) {
    return logLines(runId).stream().filter(l -> l.level() == level).map(LogLine::message).toList();
  }
}
