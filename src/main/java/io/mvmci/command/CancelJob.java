package io.mvmci.command;

/**
 * Cancels a job that has not finished: it becomes Cancelled at once, so the claim of a worker running
 * it goes stale and the worker interrupts the run.
 *
 * @param by who asked (shown in the reason)
 */
public record CancelJob(long at, long seq, String by) implements Command {
  static final int TYPE = 8;

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).i64(seq).str(by);
  }

  static CancelJob read(WireReader r) {
    return new CancelJob(r.i64(), r.i64(), r.str());
  }
}
