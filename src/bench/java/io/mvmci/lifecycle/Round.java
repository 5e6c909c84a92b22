package io.mvmci.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One throughput round's driver, the same for both systems: {@code clients} threads submit n jobs in
 * batches (each thread takes the next batch index until none is left), while the caller's thread
 * polls until n more jobs have completed.
 */
final class Round {
  /** One client thread's connection to the system under test. */
  interface Client extends AutoCloseable {
    /** Submits batch number {@code index}, of {@code size} jobs. */
    void submit(int index, int size) throws Exception;

    @Override
    default void close() throws Exception {
    }
  }

  interface Clients {
    Client open() throws Exception;
  }

  interface Completed {
    /** Jobs completed so far (any baseline; only growth counts). */
    long count() throws Exception;
  }

  /** Nanosecond times: start, the last submission's end, all n completed. */
  record Times(long start, long submitted, long done) {
    double seconds() {
      return (done - start) / 1e9;
    }

    double submitSeconds() {
      return (submitted - start) / 1e9;
    }
  }

  private Round() {}

  static Times run(int n, int clients, int batch, long pollMs, String name, Clients open, Completed completed)
      throws Exception {
    long completed0 = completed.count();
    int batches = (n + batch - 1) / batch;
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    AtomicInteger submitters = new AtomicInteger(clients);
    long[] submitEnd = new long[1];
    long t0 = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(() -> {
        try (Client client = open.open()) {
          for (int b; (b = next.getAndIncrement()) < batches && failed.get() == null; ) {
            client.submit(b, Math.min(batch, n - b * batch));
          }
        } catch (Throwable e) {
          failed.compareAndSet(null, e);
        } finally {
          if (submitters.decrementAndGet() == 0) {
            submitEnd[0] = System.nanoTime();
          }
        }
      }, name + "-submit-" + c);
      t.start();
      threads.add(t);
    }
    long deadline = t0 + Math.max(120, n / 100) * 1_000_000_000L;
    long done;
    while (true) {
      if (failed.get() != null) {
        throw new IllegalStateException("submission failed: " + failed.get(), failed.get());
      }
      long count = completed.count() - completed0;
      if (count >= n) {
        done = System.nanoTime();
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + count + " of " + n + " jobs completed in time");
      }
      Thread.sleep(pollMs);
    }
    for (Thread t : threads) {
      t.join();
    }
    return new Times(t0, submitEnd[0], done);
  }
}
