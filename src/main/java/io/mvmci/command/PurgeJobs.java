package io.mvmci.command;

/**
 * The leader's retention sweep, at {@code at} by the leader's clock: deletes up to {@code max} jobs
 * that finished (Completed, Failed or Cancelled) before {@code finishedBefore}, oldest first, with
 * their events and logs. Their idempotency keys go with them. Pending, Retrying and InProgress jobs
 * are never touched.
 */
public record PurgeJobs(long at, long finishedBefore, int max) implements Command {
  static final int TYPE = 13;

  public PurgeJobs {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, not " + max);
    }
  }

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).i64(finishedBefore).i32(max);
  }

  static PurgeJobs read(WireReader r) {
    long at = r.i64();
    long before = r.i64();
    int max = r.i32();
    if (max < 1) {
      throw new MalformedCommandException("purge max " + max);
    }
    return new PurgeJobs(at, before, max);
  }
}
