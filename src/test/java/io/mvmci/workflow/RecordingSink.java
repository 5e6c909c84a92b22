package io.mvmci.workflow;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every batch the engine publishes, in order. */
final class RecordingSink implements ProgressSink {
  private final List<List<ProgressUpdate>> batches = new CopyOnWriteArrayList<>();

  @Override
  public void publish(List<ProgressUpdate> updates) {
    batches.add(List.copyOf(updates));
  }

  List<List<ProgressUpdate>> batches() {
    return batches;
  }

  /** A run's updates, in order of publication. */
  List<ProgressUpdate> updates(String runId) {
    return batches.stream().flatMap(List::stream).filter(u -> u.runId().equals(runId)).toList();
  }

  List<ProgressUpdate.Progress> progress(String runId) {
    return updates(runId).stream().map(ProgressUpdate::progress).filter(Objects::nonNull).toList();
  }

  Optional<ProgressUpdate.Progress> latestProgress(String runId) {
    List<ProgressUpdate.Progress> all = progress(runId);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  List<LogLine> logLines(String runId) {
    return updates(runId).stream().flatMap(u -> u.logLines().stream()).toList();
  }

  List<String> logMessages(String runId) {
    return logLines(runId).stream().map(LogLine::message).toList();
  }

  List<String> logMessages(String runId, LogLevel level) {
    return logLines(runId).stream().filter(l -> l.level() == level).map(LogLine::message).toList();
  }
}
