package io.mvmci.workflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/** Timings of repeated measurements, in milliseconds. */
final class Samples {
  private final List<Double> millis = new ArrayList<>();

  static Samples of(List<Double> millis) {
    Samples s = new Samples();
    s.millis.addAll(millis);
    return s;
  }

  /** Runs {@code task} {@code warmup} times untimed, then {@code measured} times timed. */
  static Samples time(int warmup, int measured, Runnable task) {
    for (int i = 0; i < warmup; i++) {
      task.run();
    }
    Samples s = new Samples();
    for (int i = 0; i < measured; i++) {
      long start = System.nanoTime();
      task.run();
      s.millis.add((System.nanoTime() - start) / 1e6);
    }
    return s;
  }

  static <T> T timeOnce(Supplier<T> task, double[] millisOut) {
    long start = System.nanoTime();
    T result = task.get();
    millisOut[0] = (System.nanoTime() - start) / 1e6;
    return result;
  }

  double median() {
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
