package io.mvmci.worker.node;

import io.mvmci.command.Effects;
import java.util.function.LongConsumer;

/**
 * Wakes this node's waiting claimers when an applied entry may have made work runnable (a submission,
 * a retry, a hand-back, an expired lease), and tells the local worker about cancellations at once,
 * so a cancelled run stops within milliseconds rather than at the next heartbeat.
 *
 * <p>A waiter reads {@link #generation()} before it looks for work and passes it to {@link #await},
 * so a wake-up that lands between the look and the wait is never missed.
 */
public final class WorkSignal implements Effects {
  private long generation;
  private volatile LongConsumer onCancel = seq -> { };

  /** Where cancellations of jobs go (the local worker). */
  public void onCancel(LongConsumer consumer) {
    this.onCancel = consumer;
  }

  @Override
  public void workReady() {
    wake();
  }

  @Override
  public void jobCancelled(long seq, long at) {
    onCancel.accept(seq);
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
