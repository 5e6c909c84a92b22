package io.mvmci.ops.metrics;

import java.time.Clock;
import java.time.Instant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/stats/throughput}: jobs submitted, completed and failed per second over the last
 * hour (or {@code minutes}), averaged over steps of {@code step} seconds, from this node's own counts
 * (see {@link Throughput}). Public, like the other reads.
 */
@RestController
class ThroughputController {
  private final Throughput throughput;
  private final Clock clock;

  ThroughputController(Throughput throughput, Clock clock) {
    this.throughput = throughput;
    this.clock = clock;
  }

  /** Per-second rates, oldest step first; {@code from} is the start of the first step. */
  record Rates(String from, int stepSeconds, double[] submitted, double[] completed, double[] failed) {}

  @GetMapping("/api/v1/stats/throughput")
  Rates rates(@RequestParam(required = false) Integer minutes, @RequestParam(required = false) Integer step) {
    int seconds = 60 * Math.max(1, Math.min(60, minutes == null ? 60 : minutes));
    int stepSeconds = Math.max(1, Math.min(600, step == null ? 10 : step));
    int steps = seconds / stepSeconds;
    Throughput.Series s = throughput.last(steps * stepSeconds, clock.millis());
    long first = s.endSecond() - steps * (long) stepSeconds + 1;
    return new Rates(Instant.ofEpochSecond(first).toString(), stepSeconds, average(s.submitted(), stepSeconds),
        average(s.completed(), stepSeconds), average(s.failed(), stepSeconds));
  }

  private static double[] average(long[] perSecond, int step) {
    double[] out = new double[perSecond.length / step];
    for (int k = 0; k < out.length; k++) {
      long sum = 0;
      for (int i = 0; i < step; i++) {
        sum += perSecond[k * step + i];
      }
      out[k] = Math.round(sum * 100.0 / step) / 100.0;
    }
    return out;
  }
}
