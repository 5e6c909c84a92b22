package io.mvmci.replication;

import io.mvmci.command.Command;
import io.mvmci.command.Result;
import java.util.List;

/**
 * Told about every entry this node applies, on the apply thread, after the entry's transaction has
 * committed. Implementations must be quick and must not throw (wake a worker, bump a metric).
 */
@FunctionalInterface
public interface ApplyListener {
  void applied(long index, List<Command> batch, List<Result> results);

  /** The whole database was replaced by an installed snapshot: re-read whatever was derived from it. */
  default void reloaded() {
  }

  ApplyListener NONE = (index, batch, results) -> { };
}
