package io.mvmci.schedule;

import io.mvmci.command.Command;
import io.mvmci.command.DeleteSchedule;
import io.mvmci.command.PutSchedule;
import io.mvmci.command.Result;
import io.mvmci.command.ScheduleSpec;
import io.mvmci.command.SubmitJob;
import io.mvmci.queue.Consistency;
import io.mvmci.queue.InvalidJobException;
import io.mvmci.queue.JobService;
import io.mvmci.replication.RaftNode;
import io.mvmci.replication.ReplicationException;
import io.mvmci.store.ScheduleQueries;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Cron schedules as the API sees them: definitions are validated here (the cron expression and time
 * zone, and the job exactly as {@code POST /api/v1/jobs} validates a submission), stamped with their
 * first fire time by this node's clock and replicated ({@link PutSchedule}); reads come from this
 * node's copy, linearizable unless asked otherwise. Firing is {@link ScheduleFiring}'s, on the leader.
 *
 * <p>Threading: any thread; each method blocks for at most the write or read timeout.
 */
public final class ScheduleService {
  /** What a schedule id may be (the command checks it again). */
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
  private static final int RESUME_TRIES = 3;

  private final RaftNode node;
  private final Clock clock;
  private final JobService jobs;
  private final long writeTimeoutMs = 10_000;

  public ScheduleService(RaftNode node, Clock clock, JobService jobs) {
    this.node = node;
    this.clock = clock;
    this.jobs = jobs;
  }

  /** A schedule written: as it now is, and whether the write created it. */
  public record Saved(ScheduleQueries.Schedule schedule, boolean created) {}

  /** What a trigger did: {@code outcome} as the fire history spells it, and the job, or -1. */
  public record Triggered(String outcome, long jobSeq) {}

  /**
   * Creates the schedule ({@code createOnly}: a conflict if the id exists), or creates or replaces it.
   *
   * @throws InvalidScheduleException naming the field at fault
   * @throws ScheduleConflictException {@code createOnly} and the id exists
   */
  public Saved put(NewSchedule s, boolean createOnly) {
    PutSchedule put = validate(s, createOnly, clock.millis());
    Result.Saved saved = (Result.Saved) propose(put, s.id());
    return new Saved(get(s.id(), Consistency.LINEARIZABLE), saved.created());
  }

  /** The command a put proposes at {@code now}; throws {@link InvalidScheduleException} for a bad one. */
  PutSchedule validate(NewSchedule s, boolean createOnly, long now) {
    if (s.id() == null || s.id().isEmpty()) {
      throw new InvalidScheduleException("id", "id is required: 1-64 lower-case letters, digits, '.', '_' or '-'");
    }
    if (!ID.matcher(s.id()).matches()) {
      throw new InvalidScheduleException("id", "id must be 1-64 lower-case letters, digits, '.', '_' or '-',"
          + " starting with a letter or digit, not \"" + clip(s.id()) + "\"");
    }
    Cron cron = Cron.parse(s.cron(), s.timeZone() == null ? "UTC" : s.timeZone());
    ScheduleSpec.Overlap overlap = s.overlap() == null ? ScheduleSpec.Overlap.SKIP : ScheduleSpec.Overlap.parse(s.overlap());
    if (overlap == null) {
      throw new InvalidScheduleException("overlap", "overlap must be skip, queue or allow, not \"" + clip(s.overlap()) + "\"");
    }
    ScheduleSpec.CatchUp catchUp = s.catchUp() == null ? ScheduleSpec.CatchUp.NONE : ScheduleSpec.CatchUp.parse(s.catchUp());
    if (catchUp == null) {
      throw new InvalidScheduleException("catch_up", "catch_up must be none or last, not \"" + clip(s.catchUp()) + "\"");
    }
    if (s.job() == null) {
      throw new InvalidScheduleException("job", "job is required: the job each fire submits, as POST /api/v1/jobs takes it");
    }
    SubmitJob job;
    try {
      job = jobs.validate(s.job(), now);
    } catch (InvalidJobException e) {
      throw new InvalidScheduleException(e.field() == null ? "job" : "job." + e.field(), "job: " + e.getMessage());
    }
    long next = cron.next(now);
    if (next < 0) {
      throw new InvalidScheduleException("cron", "cron \"" + cron.expression() + "\" never fires after "
          + java.time.Instant.ofEpochMilli(now));
    }
    ScheduleSpec spec = new ScheduleSpec(cron.expression(), cron.zone().getId(), job.workflow(), job.input(), job.url(),
        job.priority(), job.maxAttempts(), job.timeoutMs(), job.options().moduleSha256(), overlap, catchUp);
    return PutSchedule.define(now, s.id(), createOnly, spec, s.paused(), next);
  }

  /** Deletes the schedule and its history; its jobs stay. */
  public void delete(String id) {
    propose(new DeleteSchedule(clock.millis(), id), id);
  }

  /** Pauses the schedule: it fires no more until resumed. */
  public ScheduleQueries.Schedule pause(String id) {
    propose(PutSchedule.pause(clock.millis(), id), id);
    return get(id, Consistency.LINEARIZABLE);
  }

  /** Resumes the schedule from the first fire time after now; what passed while it was paused is not caught up. */
  public ScheduleQueries.Schedule resume(String id) {
    for (int i = 1; ; i++) {
      ScheduleQueries.Schedule s = get(id, Consistency.LINEARIZABLE);
      long now = clock.millis();
      long next = Cron.parse(s.cron(), s.timeZone()).next(now);
      try {
        propose(PutSchedule.resume(now, id, next, s.revision()), id);
        return get(id, Consistency.LINEARIZABLE);
      } catch (ScheduleConflictException e) {
        if (i >= RESUME_TRIES) {
          throw e;
        }
      }
    }
  }

  /** Fires the schedule now, as its overlap policy allows; its own fire times do not move. */
  public Triggered trigger(String id) {
    Result.Fired f = (Result.Fired) propose(FirePlan.now(id, clock.millis()), id);
    return new Triggered(f.outcome().label, f.jobSeq());
  }

  public List<ScheduleQueries.Schedule> list(Consistency consistency) {
    return jobs.read(consistency, q -> q.schedules().all());
  }

  /** @throws ScheduleNotFoundException no such schedule */
  public ScheduleQueries.Schedule get(String id, Consistency consistency) {
    return jobs.read(consistency, q -> q.schedules().get(id)).orElseThrow(() -> new ScheduleNotFoundException(id));
  }

  /** The schedule's last {@code limit} fires, newest first (read as the last {@link #get} left it). */
  public List<ScheduleQueries.Fire> fires(String id, int limit) {
    return jobs.read(Consistency.LOCAL, q -> q.schedules().fires(id, limit));
  }

  /** Proposes {@code command} on schedule {@code id}: unknown is a 404, a conflict a 409. */
  private Result propose(Command command, String id) {
    Result r = await(node.submit(command), writeTimeoutMs);
    if (r instanceof Result.Rejected rejected) {
      throw switch (rejected.reason()) {
        case UNKNOWN_SCHEDULE -> new ScheduleNotFoundException(id);
        case CONFLICT -> new ScheduleConflictException(rejected.message());
        default -> new InvalidScheduleException(null, rejected.message());
      };
    }
    return r;
  }

  private static <T> T await(Future<T> f, long timeoutMs) {
    try {
      return f.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new ReplicationException("schedule write timed out after " + timeoutMs + " ms: no leader or no quorum",
          false);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ReplicationException r) {
        throw r;
      }
      throw new ReplicationException("schedule write failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplicationException("schedule write interrupted", true);
    }
  }

  private static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
