package io.mvmci.ops.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.mvmci.command.Effects;
import io.mvmci.replication.QueueStateMachine;
import io.mvmci.store.WaitQueries;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs that wait: {@code mvmci_jobs_waiting{for}} (timer, signal, job: why they wait),
 * {@code mvmci_jobs_waiting_next_wake_seconds{for}} (until when: seconds until the earliest one's
 * timer or timeout is due, negative when overdue, absent when none has one), both read from the
 * queue's partial index and cached for a second; and {@code mvmci_timers_lag_seconds}, how late the
 * leader fired each timer (its stamped fire time against the job's {@code wake_at}), observed as the
 * wake applies on this node. Every node reports the whole cluster's waits: read one node.
 */
public final class WaitMetrics implements MeterBinder, Effects {
  static final List<String> KINDS = List.of("timer", "signal", "job");

  private final Cached<Map<String, WaitQueries.Waiting>> waiting;
  private final Clock clock;
  private volatile Timer lag;

  public WaitMetrics(QueueStateMachine sm, Clock clock) {
    this.clock = clock;
    this.waiting = new Cached<>(() -> {
      try {
        return sm.queries().waits().waitingByKind();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }, 1_000, Map.of());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (String kind : KINDS) {
      Gauge.builder("mvmci.jobs.waiting", waiting, w -> {
        WaitQueries.Waiting of = w.get().get(kind);
        return of == null ? 0 : of.jobs();
      }).description("Waiting jobs (runs that gave their worker back), by what they wait for")
          .tag("for", kind).register(registry);
      Gauge.builder("mvmci.jobs.waiting.next.wake", waiting, w -> {
        WaitQueries.Waiting of = w.get().get(kind);
        return of == null || of.nextWakeAt() == null ? Double.NaN : (of.nextWakeAt() - clock.millis()) / 1000.0;
      }).description("seconds until the earliest Waiting job's timer or timeout is due (negative: overdue)")
          .baseUnit("seconds").tag("for", kind).register(registry);
    }
    lag = Timer.builder("mvmci.timers.lag")
        .description("how late the leader fired a waiting job's timer: its fire time against wake_at")
        .publishPercentiles(0.5, 0.99)
        .serviceLevelObjectives(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5))
        .register(registry);
  }

  @Override
  public void timerFired(long seq, long wakeAt, long at) {
    Timer t = lag;
    if (t != null) {
      t.record(Duration.ofMillis(Math.max(0, at - wakeAt)));
    }
  }
}
