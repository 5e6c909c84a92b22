package io.mvmci.schedule;

import io.mvmci.command.FireSchedule;
import io.mvmci.command.Result;
import io.mvmci.command.ScheduleSpec;
import io.mvmci.replication.RaftNode;
import io.mvmci.store.ScheduleQueries;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires due schedules: every {@value #TICK_MS} ms the leader reads the schedules whose
 * {@code next_fire_at} has come from its own copy (one read of a partial index), plans each fire
 * ({@link FirePlan}: the cron evaluated here, by the leader's clock) and proposes them together
 * ({@link FireSchedule}, sharing log entries through group commit), then looks again until none is
 * due. Followers look at nothing; a cluster without due schedules writes nothing.
 *
 * <p>Failure model: a fire is a compare-and-set of the replicated {@code next_fire_at}, and its job's
 * idempotency key is {@code schedule:<id>:<fire time>}. A leader that dies before its fire commits
 * leaves the schedule due: the next leader fires it (late, within the grace as scheduled).
 * A fire proposed twice (a new leader whose copy had not yet applied the old leader's fire) finds the
 * schedule moved on and does nothing. So no fire time is lost or doubled across a leader change;
 * after an outage longer than the grace, the catch-up policy says what happens to what passed.
 */
public final class ScheduleFiring implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduleFiring.class);
  static final long TICK_MS = 250;
  static final int BATCH = 100;
  /** Rounds per tick: a per-second schedule 60 s behind catches up in one tick. */
  static final int MAX_ROUNDS = 100;

  private final RaftNode node;
  private final Clock clock;
  private final long graceMs;
  private final ScheduledExecutorService timer;
  /** Schedules whose cron this node cannot evaluate, warned about once (until it can). */
  private final Set<String> broken = new HashSet<>();

  public ScheduleFiring(RaftNode node, Clock clock) {
    this(node, clock, FirePlan.GRACE_MS);
  }

  /** @param graceMs how late a fire is still made as scheduled ({@code [jobs] schedule_grace_ms}) */
  public ScheduleFiring(RaftNode node, Clock clock, long graceMs) {
    this.node = node;
    this.clock = clock;
    this.graceMs = graceMs;
    this.timer = Executors.newSingleThreadScheduledExecutor(io.mvmci.worker.Threads.named("schedules"));
  }

  public void start() {
    timer.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  void tick() {
    try {
      for (int round = 0; round < MAX_ROUNDS && node.isLeader(); round++) {
        if (fireDue() == 0) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("schedules: {}", e.getMessage());
    }
  }

  /** Proposes a fire for every schedule due now (up to a batch) and waits for them; answers how many. */
  int fireDue() throws Exception {
    long now = clock.millis();
    List<ScheduleQueries.Due> due = node.stateMachine().queries().schedules().due(now, BATCH);
    List<FireSchedule> fires = new ArrayList<>(due.size());
    for (ScheduleQueries.Due d : due) {
      FireSchedule fire = plan(d, now);
      if (fire != null) {
        fires.add(fire);
      }
    }
    List<CompletableFuture<Result>> sent = fires.stream().map(node::submit).toList();
    for (int i = 0; i < sent.size(); i++) {
      FireSchedule f = fires.get(i);
      Result r = sent.get(i).get(10, TimeUnit.SECONDS);
      if (r instanceof Result.Fired fired) {
        log(f, fired);
      } else {
        LOG.debug("schedule {}: fire refused: {}", f.id(), r);
      }
    }
    return fires.size();
  }

  private FireSchedule plan(ScheduleQueries.Due d, long now) {
    try {
      Cron cron = Cron.parse(d.cron(), d.timeZone());
      ScheduleSpec.CatchUp catchUp = ScheduleSpec.CatchUp.parse(d.catchUp());
      FireSchedule fire = FirePlan.plan(d.id(), cron, catchUp == null ? ScheduleSpec.CatchUp.NONE : catchUp,
          d.nextFireAt(), now, graceMs);
      broken.remove(d.id());
      return fire;
    } catch (InvalidScheduleException e) {
      if (broken.add(d.id())) {
        LOG.warn("schedule {} cannot fire: {} (replace it with PUT /api/v1/schedules/{})", d.id(), e.getMessage(), d.id());
      }
      return null;
    }
  }

  private static void log(FireSchedule f, Result.Fired fired) {
    switch (fired.outcome()) {
      case SUBMITTED, QUEUED, DUPLICATE, NOT_DUE -> LOG.debug("schedule {} fired for {}: {} (job {})", f.id(),
          Instant.ofEpochMilli(f.fireTime()), fired.outcome().label, fired.jobSeq());
      case SKIPPED -> LOG.info("schedule {}: fire for {} skipped, its last job has not finished", f.id(),
          Instant.ofEpochMilli(f.fireTime()));
      case MISSED -> LOG.info("schedule {}: {} fire times from {} passed while no leader fired them; next {}", f.id(),
          f.missed(), Instant.ofEpochMilli(f.fireTime()), f.nextFireAt() < 0 ? "none" : Instant.ofEpochMilli(f.nextFireAt()));
      case FAILED -> LOG.warn("schedule {}: the job for {} could not be submitted (see its fires)", f.id(),
          Instant.ofEpochMilli(f.fireTime()));
    }
    if (f.kind() == FireSchedule.Kind.CATCH_UP) {
      LOG.info("schedule {}: caught up with {} after {} missed fire times", f.id(), Instant.ofEpochMilli(f.fireTime()),
          f.missed());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
