package io.mvmci.command;

/**
 * A run under a current claim failed. If the failure is {@code retryable} and the job has failures
 * left, it becomes Retrying until {@code retryAt} (the proposer computed the backoff and its jitter);
 * otherwise it is Failed with {@code error}. {@code output} is what the run had output before it failed
 * (JSON text, or absent), kept on the job either way.
 */
public record FailJob(long at, String workerId, JobRef job, String error, boolean retryable,
    long retryAt, String output) implements Command {
  static final int TYPE = 6;

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workerId);
    job.writeTo(w);
    w.str(error).bool(retryable).i64(retryAt).optStr(output);
  }

  static FailJob read(WireReader r) {
    return new FailJob(r.i64(), r.str(), JobRef.read(r), r.str(), r.bool(), r.i64(), r.optStr());
  }
}
