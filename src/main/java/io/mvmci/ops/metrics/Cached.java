package io.mvmci.ops.metrics;

import java.util.function.Supplier;

/**
 * A value recomputed at most once per {@code ttlMillis}, so that one scrape (many gauges reading
 * the same source) costs one read, and frequent scrapes cost one read per interval. If a refresh
 * fails, the last value stays (a gauge must not throw).
 */
final class Cached<T> {
  private final Supplier<T> source;
  private final long ttlNanos;
  private T value;
  private long readAt;
  private boolean loaded;

  Cached(Supplier<T> source, long ttlMillis, T initial) {
    this.source = source;
    this.ttlNanos = ttlMillis * 1_000_000L;
    this.value = initial;
  }

  synchronized T get() {
    long now = System.nanoTime();
    if (!loaded || now - readAt >= ttlNanos) {
      try {
        value = source.get();
      } catch (RuntimeException e) {
        // keep the last value: a store being replaced, a node shutting down
      }
      readAt = now;
      loaded = true;
    }
    return value;
  }
}
