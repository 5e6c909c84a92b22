package io.mvmci.worker;

import io.mvmci.command.CancelJob;
import io.mvmci.command.Command;
import io.mvmci.command.ExpireLeases;
import io.mvmci.command.FailJob;
import io.mvmci.command.ReleaseJob;
import io.mvmci.command.Result;
import io.mvmci.command.SubmitJob;
import io.mvmci.replication.ApplyListener;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Wakes this node's waiting claimers when an applied entry may have made work runnable (a submission,
 * a retry, a hand-back, an expired lease), and tells the local worker about cancellations at once,
 * so a cancelled run stops within milliseconds rather than at the next heartbeat.
 *
 * <p>A waiter reads {@link #generation()} before it looks for work and passes it to {@link #await},
 * so a wake-up that lands between the look and the wait is never missed.
 */
public final class WorkSignal implements ApplyListener {
  private long generation;
  private volatile LongConsumer onCancel = seq -> { };

  /** Where cancellations of jobs go (the local worker). */
  public void onCancel(LongConsumer consumer) {
    this.onCancel = consumer;
  }

  @Override
  public void applied(long index, List<Command> batch, List<Result> results) {
    boolean wake = false;
    for (int i = 0; i < batch.size(); i++) {
      Command c = batch.get(i);
      if (c instanceof SubmitJob || c instanceof FailJob || c instanceof ReleaseJob
          || c instanceof ExpireLeases) {
        wake = true;
      } else if (c instanceof CancelJob cancel && results.get(i) instanceof Result.Done) {
        onCancel.accept(cancel.seq());
      }
    }
    if (wake) {
      wake();
    }
  }

  public synchronized void wake() {
    generation++;
    notifyAll();
  }

  public synchronized long generation() {
    return generation;
  }

  /** Waits until the generation moves past {@code seen} or {@code timeoutMs} passes. */
  public synchronized void await(long seen, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (generation == seen) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return;
      }
      wait(left);
    }
  }
}
