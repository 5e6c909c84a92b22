package io.mvmci.command;

/** A run under a current claim succeeded; the job is Completed with {@code output} (JSON text). */
public record CompleteJob(long at, String workerId, JobRef job, String output) implements Command {
  static final int TYPE = 5;

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workerId);
    job.writeTo(w);
    w.str(output);
  }

  static CompleteJob read(WireReader r) {
    return new CompleteJob(r.i64(), r.str(), JobRef.read(r), r.str());
  }
}
