package io.mvmci.command;

import io.mvmci.job.JobStatus;
import java.util.List;

/**
 * What applying one command answered. Business rejections (an unknown job, a stale claim, an illegal
 * transition) are results, never exceptions: apply must not throw for anything a caller can cause.
 * Their type codes (append-only, like command type codes) and wire layouts are {@link ResultWire}'s.
 */
public sealed interface Result permits Result.Submitted, Result.Rejected, Result.Claimed, Result.Stale,
    Result.Done, Result.Expired, Result.Ack, Result.Purged, Result.Seeded, Result.Woken, Result.Signaled,
    Result.Fired, Result.Saved, Result.SubmittedAndClaimed {

  /** A job was added, or, for a known idempotency key, the existing job is answered. */
  record Submitted(long seq, boolean duplicate) implements Result {}

  /**
   * A submission with a claim riding on it ({@link SubmitAndClaim}): the submission's answer, and the
   * jobs the claim took (none, the new job, or the job at the head of the queue).
   */
  record SubmittedAndClaimed(Submitted submitted, List<ClaimedJob> claimed) implements Result {
    public SubmittedAndClaimed {
      claimed = List.copyOf(claimed);
    }
  }

  /** The command was refused; nothing changed. */
  record Rejected(Reason reason, String message) implements Result {}

  /**
   * The jobs a claim took, each with what the worker needs to run it. Type 3 was the layout before
   * claims named the module version; it is still read (with no version), never written.
   */
  record Claimed(List<ClaimedJob> jobs) implements Result {
    public Claimed {
      jobs = List.copyOf(jobs);
    }
  }

  /**
   * A claimed job: its token, its workflow and input, its time limit and lease, how many failures it
   * has had and may have (for the worker's backoff), the exact module version this attempt runs
   * (lower-case hex sha-256, decided by the claim's entry; null only in a type-3 result), and the
   * execution it continues with the number of steps its replicated history holds (0: a fresh run).
   */
  record ClaimedJob(JobRef ref, String workflow, String input, long timeoutMs, long leaseUntil,
      int failures, int maxAttempts, String moduleSha256, int execution, int historySteps) {
    /** Whether the claimed attempt resumes a run whose history already has steps. */
    public boolean resumes() {
      return historySteps > 0;
    }
  }

  /** The claims a heartbeat or progress report named that are no longer current: stop those runs. */
  record Stale(List<JobRef> jobs) implements Result {
    public Stale {
      jobs = List.copyOf(jobs);
    }
  }

  /** A job changed state, and this is the state it is in now. */
  record Done(JobStatus status) implements Result {}

  /** What the reaper did: jobs whose lease ran out, workers marked dead. */
  record Expired(int jobs, int workers) implements Result {}

  /** What a retention sweep did: finished jobs deleted. */
  record Purged(int jobs) implements Result {}

  /** A seeded module version: {@code stored} if it was new to its name, false if already known. */
  record Seeded(boolean stored) implements Result {}

  /** What the leader's timers did: Waiting jobs woken. */
  record Woken(int jobs) implements Result {}

  /** A signal delivered (or, for a known idempotency key, the first one answered); whether it woke the job. */
  record Signaled(long id, boolean duplicate, boolean woke) implements Result {}

  /**
   * What a schedule's fire did ({@code FireSchedule}): its outcome, and the job it submitted (or, for a
   * duplicate, the job its key already names), -1 for none.
   */
  record Fired(Outcome outcome, long jobSeq) implements Result {
    /** Codes are append-only; {@link #label} is the metrics' and the API's spelling. */
    public enum Outcome {
      /** A job was submitted, Pending. */
      SUBMITTED(1, "submitted"),
      /** A job was submitted Waiting for the schedule's previous job (overlap {@code queue}). */
      QUEUED(2, "queued"),
      /** No job: the previous one had not finished (overlap {@code skip}). */
      SKIPPED(3, "skipped"),
      /** No job: fire times passed while no leader fired them, and catch-up passed over them. */
      MISSED(4, "missed"),
      /** The fire's idempotency key already named a job: that job is answered, none is added. */
      DUPLICATE(5, "duplicate"),
      /** The job could not be submitted (its pinned module version was deleted, say); the schedule goes on. */
      FAILED(6, "failed"),
      /** Nothing: the schedule is not due at that time any more (another leader fired it, it was paused or replaced). */
      NOT_DUE(7, "not_due");

      public final int code;
      public final String label;

      Outcome(int code, String label) {
        this.code = code;
        this.label = label;
      }

      static Outcome of(int code) {
        for (Outcome o : values()) {
          if (o.code == code) {
            return o;
          }
        }
        throw new MalformedCommandException("unknown fire outcome " + code);
      }
    }
  }

  /** A schedule was written ({@code PutSchedule}): whether it is new, and its definition's revision now. */
  record Saved(boolean created, long revision) implements Result {}

  /** The command took effect and has nothing to say beyond that. */
  record Ack() implements Result {}

  /** Why a command was rejected. Codes are append-only. */
  enum Reason {
    UNKNOWN_JOB(1),
    STALE_CLAIM(2),
    ILLEGAL_TRANSITION(3),
    INVALID(4),
    UNKNOWN_TICKET(5),
    /** A limit the proposing node stamped was broken (a run's history too large). */
    LIMIT(6),
    /** No schedule of that id. */
    UNKNOWN_SCHEDULE(7),
    /** The schedule exists already (a create), or changed since the proposer read it. */
    CONFLICT(8);

    final int code;

    Reason(int code) {
      this.code = code;
    }

    static Reason of(int code) {
      for (Reason r : values()) {
        if (r.code == code) {
          return r;
        }
      }
      throw new MalformedCommandException("unknown rejection reason " + code);
    }
  }
}
