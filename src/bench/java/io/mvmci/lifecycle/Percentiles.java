package io.mvmci.lifecycle;

import java.util.Arrays;
import java.util.List;

/** Nearest-rank percentiles of a sample. */
final class Percentiles {
  private final double[] sorted;

  Percentiles(List<Double> values) {
    sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
  }

  /** The nearest-rank {@code p}th percentile (0 < p <= 100). */
  double at(double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  double max() {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
  }

  int size() {
    return sorted.length;
  }
}
