package io.mvmci.command;

/**
 * A worker hands a claimed job back unfinished (it is shutting down): the job is Pending again at
 * once, and the hand-back does not count as a failure.
 */
public record ReleaseJob(long at, String workerId, JobRef job, String reason) implements Command {
  static final int TYPE = 7;

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workerId);
    job.writeTo(w);
    w.str(reason);
  }

  static ReleaseJob read(WireReader r) {
    return new ReleaseJob(r.i64(), r.str(), JobRef.read(r), r.str());
  }
}
