package io.mvmci.worker;

import io.mvmci.command.JobRef;
import io.mvmci.command.ReportProgress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends progress and log lines to the queue from one thread, in order, batching every run's buffer
 * into one report. A finishing run is {@link #flush flushed} through the same thread before its
 * outcome is reported, so its last lines land before the outcome (after which they would be refused
 * as stale).
 */
final class ProgressOutbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressOutbox.class);

  private final WorkTransport transport;
  private final Consumer<JobRef> onStale;
  private final ExecutorService sender;
  private final AtomicBoolean queued = new AtomicBoolean();

  ProgressOutbox(WorkTransport transport, Consumer<JobRef> onStale) {
    this.transport = transport;
    this.onStale = onStale;
    this.sender = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "worker-progress");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Schedules one send of everything buffered by the runs {@code runs} supplies when the send starts
   * (a no-op if a send is already queued: it will take this too).
   */
  void schedule(Supplier<Collection<RunProgress>> runs) {
    if (sender.isShutdown() || !queued.compareAndSet(false, true)) {
      return;
    }
    try {
      sender.execute(() -> {
        queued.set(false);
        List<ReportProgress.Item> items = new ArrayList<>();
        List<RunProgress> from = new ArrayList<>();
        for (RunProgress p : runs.get()) {
          ReportProgress.Item item = p.drain();
          if (item != null) {
            items.add(item);
            from.add(p);
          }
        }
        try {
          send(items);
        } finally {
          from.forEach(RunProgress::sent);
        }
      });
    } catch (RejectedExecutionException closed) {
      queued.set(false);
    }
  }

  /** Sends what {@code run} has buffered, behind anything in flight, and waits for it. */
  void flush(RunProgress run) {
    if (run.quiet() || sender.isShutdown()) {
      return;
    }
    try {
      sender.submit(() -> {
        ReportProgress.Item item = run.drain();
        if (item != null) {
          try {
            send(List.of(item));
          } finally {
            run.sent();
          }
        }
      }).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      LOG.debug("last progress not delivered: {}", e.toString());
    }
  }

  private void send(List<ReportProgress.Item> items) {
    if (items.isEmpty()) {
      return;
    }
    try {
      transport.progress(items).forEach(onStale);
    } catch (WorkException e) {
      LOG.debug("progress not delivered: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
  }
}
