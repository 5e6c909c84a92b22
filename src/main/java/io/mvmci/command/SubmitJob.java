package io.mvmci.command;

import io.mvmci.job.Job;
import io.mvmci.job.JobStatus;
import io.mvmci.job.Reasons;
import java.util.Objects;

/**
 * Adds a job to the queue. Applying it assigns the next job sequence number; with an idempotency key
 * already known, it adds nothing and answers the existing job instead.
 *
 * @param at when the proposing node accepted the submission (ms since epoch)
 * @param workflow the workflow module's name
 * @param input the workflow's input, JSON text
 * @param url the job's URL, if it has one (the crawler's input; shown by /queue/list)
 * @param priority higher runs first
 * @param runAt the earliest time a worker may start the job (ms since epoch)
 * @param maxAttempts attempts before the job is Failed for good (at least 1)
 * @param timeoutMs wall-clock limit of one attempt
 * @param idempotencyKey the caller's key, or null
 */
public record SubmitJob(
    long at,
    String workflow,
    String input,
    String url,
    int priority,
    long runAt,
    int maxAttempts,
    long timeoutMs,
    String idempotencyKey) implements Command {

  static final int TYPE = 1;

  /** The earliest start: never before the submission itself. */
  public long effectiveRunAt() {
    return Math.max(runAt, at);
  }

  /** The job that applying this command creates as job {@code seq}. */
  public Job pendingJob(long seq) {
    long start = effectiveRunAt();
    return new Job(seq, JobStatus.Pending, workflow, input, url, priority, start, 0, 0, maxAttempts,
        timeoutMs, null, null, null, null, null, null, Reasons.submitted(at, start), idempotencyKey, at,
        at, null, null);
  }

  public SubmitJob {
    Objects.requireNonNull(workflow, "workflow");
    Objects.requireNonNull(input, "input");
  }

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workflow).str(input).optStr(url).i32(priority).i64(runAt).i32(maxAttempts)
        .i64(timeoutMs).optStr(idempotencyKey);
  }

  static SubmitJob read(WireReader r) {
    return new SubmitJob(r.i64(), r.str(), r.str(), r.optStr(), r.i32(), r.i64(), r.i32(), r.i64(),
        r.optStr());
  }
}
