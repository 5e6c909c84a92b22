package io.mvmci.replication;

import io.mvmci.command.Command;
import io.mvmci.command.Result;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans applied entries out to listeners registered after the node was built. */
public final class ApplyListeners implements ApplyListener {
  private static final Logger LOG = LoggerFactory.getLogger(ApplyListeners.class);
  private final List<ApplyListener> listeners = new CopyOnWriteArrayList<>();

  public void add(ApplyListener l) {
    listeners.add(l);
  }

  @Override
  public void applied(long index, List<Command> batch, List<Result> results) {
    for (ApplyListener l : listeners) {
      try {
        l.applied(index, batch, results);
      } catch (RuntimeException e) {
        LOG.warn("apply listener {} failed at index {}", l, index, e);
      }
    }
  }

  @Override
  public void reloaded() {
    for (ApplyListener l : listeners) {
      try {
        l.reloaded();
      } catch (RuntimeException e) {
        LOG.warn("apply listener {} failed to reload", l, e);
      }
    }
  }
}
