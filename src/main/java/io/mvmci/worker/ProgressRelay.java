package io.mvmci.worker;

import io.mvmci.workflow.ProgressSink;
import io.mvmci.workflow.ProgressUpdate;
import java.util.List;
import java.util.function.Consumer;

/**
 * The engine is built before the worker that receives its progress; this hands it over. Until
 * {@link #target} is called, progress is dropped (no run can have started before the worker).
 */
public final class ProgressRelay implements ProgressSink {
  private volatile Consumer<List<ProgressUpdate>> target = updates -> { };

  public void target(Consumer<List<ProgressUpdate>> target) {
    this.target = target;
  }

  @Override
  public void publish(List<ProgressUpdate> updates) {
    target.accept(updates);
  }
}
