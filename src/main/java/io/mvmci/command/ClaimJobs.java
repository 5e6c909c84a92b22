package io.mvmci.command;

/**
 * A worker takes up to {@code max} runnable jobs: Pending or Retrying, with {@code run_at <= at}, by
 * priority (highest first), then run-at time, then id. Each becomes InProgress under a new fencing
 * token (its attempt number, incremented) with a lease until {@code at + leaseMs}.
 *
 * @param at the proposing node's clock
 * @param workerId the claiming worker
 */
public record ClaimJobs(long at, String workerId, int max, long leaseMs) implements Command {
  static final int TYPE = 2;

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workerId).i32(max).i64(leaseMs);
  }

  static ClaimJobs read(WireReader r) {
    return new ClaimJobs(r.i64(), r.str(), r.i32(), r.i64());
  }
}
