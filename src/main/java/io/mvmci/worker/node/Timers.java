package io.mvmci.worker.node;

import io.mvmci.command.Result;
import io.mvmci.command.WakeJobs;
import io.mvmci.replication.RaftNode;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the timers of waiting runs: every {@value #TICK_MS} ms the leader looks up the earliest
 * {@code wake_at} of a Waiting job in its own copy (one read of a partial index) and, when one is due,
 * proposes {@link WakeJobs} stamped with its clock, {@value #BATCH} jobs per entry until none is due.
 * Followers look at nothing; an idle cluster writes nothing.
 *
 * <p>Failure model: a wake is a state change, not an event. A timer is due for as long as its job is
 * Waiting with {@code wake_at <= now}, so a leader that dies before or after proposing leaves nothing
 * lost (the next leader finds it due) and nothing doubled (a woken job is no longer Waiting; a wake
 * proposed twice finds nothing the second time). Lag: a tick, plus one commit, on an idle cluster.
 */
public final class Timers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Timers.class);
  static final long TICK_MS = 100;
  static final int BATCH = 1000;

  private final RaftNode node;
  private final Clock clock;
  private final ScheduledExecutorService timer;

  public Timers(RaftNode node, Clock clock) {
    this.node = node;
    this.clock = clock;
    this.timer = Executors.newSingleThreadScheduledExecutor(io.mvmci.worker.Threads.named("timers"));
  }

  public void start() {
    timer.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  void tick() {
    try {
      if (!node.isLeader()) {
        return;
      }
      while (true) {
        long now = clock.millis();
        Long next = node.stateMachine().queries().waits().nextWakeAt();
        if (next == null || next > now) {
          return;
        }
        Result r = node.submit(new WakeJobs(now, BATCH)).get(10, TimeUnit.SECONDS);
        if (!(r instanceof Result.Woken w) || w.jobs() < BATCH) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("timers: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
