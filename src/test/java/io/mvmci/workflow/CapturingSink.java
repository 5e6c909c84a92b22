package io.mvmci.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every batch the engine publishes. */
final class CapturingSink implements ProgressSink {
  private final List<List<ProgressUpdate>> batches = new CopyOnWriteArrayList<>();

  @Override
  public void publish(List<ProgressUpdate> updates) {
    batches.add(List.copyOf(updates));
  }

  List<List<ProgressUpdate>> batches() {
    return batches;
  }

  List<ProgressUpdate> updates(String runId) {
    List<ProgressUpdate> out = new ArrayList<>();
    batches.forEach(b -> b.stream().filter(u -> u.runId().equals(runId)).forEach(out::add));
    return out;
  }

  List<String> logMessages(String runId) {
    return updates(runId).stream().flatMap(u -> u.logLines().stream()).map(LogLine::message).toList();
  }

  List<ProgressUpdate.Progress> progress(String runId) {
    return updates(runId).stream().map(ProgressUpdate::progress).filter(p -> p != null).toList();
  }
}
