package io.mvmci.ops.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.mvmci.command.Effects;
import io.mvmci.replication.QueueStateMachine;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cron schedules: {@code mvmci_schedule_fires_total{outcome}} (submitted, queued, skipped, missed,
 * duplicate, failed: a missed fire counts each fire time it passed over), observed as fires apply on this
 * node; {@code mvmci_schedule_fire_lateness_seconds}, how late the leader made each scheduled or
 * catch-up fire (its stamped time against the fire time); {@code mvmci_schedule_next_fire_seconds}, seconds
 * until the earliest schedule's next fire (negative: overdue by that much; read at most once a second, so a
 * per-second schedule shows small negative values on a healthy leader; absent when none will fire). Every node reports the whole cluster's fires: read one node.
 */
public final class ScheduleMetrics implements MeterBinder, Effects {
  static final List<String> OUTCOMES = List.of("submitted", "queued", "skipped", "missed", "duplicate", "failed");

  private final Map<String, Counter> fires = new ConcurrentHashMap<>();
  private final Cached<Long> nextFire;
  private final Clock clock;
  private volatile Timer lateness;

  public ScheduleMetrics(QueueStateMachine sm, Clock clock) {
    this.clock = clock;
    this.nextFire = new Cached<>(() -> {
      try {
        Long next = sm.queries().schedules().nextFireAt();
        return next == null ? Long.MIN_VALUE : next;
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }, 1_000, Long.MIN_VALUE);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (String outcome : OUTCOMES) {
      fires.put(outcome, Counter.builder("mvmci.schedule.fires")
          .description("schedule fires applied, by outcome (missed: fire times passed over after downtime)")
          .tag("outcome", outcome).register(registry));
    }
    lateness = Timer.builder("mvmci.schedule.fire.lateness")
        .description("how late the leader made a scheduled fire: its stamped time against the fire time")
        .publishPercentiles(0.5, 0.99)
        .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(60))
        .register(registry);
    Gauge.builder("mvmci.schedule.next.fire", nextFire, n -> {
      long next = n.get();
      return next == Long.MIN_VALUE ? Double.NaN : (next - clock.millis()) / 1000.0;
    }).description("seconds until the earliest schedule's next fire (negative: overdue)").baseUnit("seconds")
        .register(registry);
  }

  @Override
  public void scheduleFired(String id, String kind, String outcome, long fireTime, long at, int missed) {
    Counter c = fires.get(outcome);
    if (c != null) {
      c.increment("missed".equals(outcome) ? missed : 1);
    }
    if (missed > 0 && !"missed".equals(outcome)) {
      Counter m = fires.get("missed");
      if (m != null) {
        m.increment(missed);
      }
    }
    Timer t = lateness;
    if (t != null && ("scheduled".equals(kind) || "catch-up".equals(kind))) {
      t.record(Duration.ofMillis(Math.max(0, at - fireTime)));
    }
  }
}
