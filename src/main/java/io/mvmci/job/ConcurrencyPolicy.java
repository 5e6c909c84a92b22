package io.mvmci.job;

/**
 * What a claim does with a job whose concurrency group is full (its {@code concurrency_limit} of the
 * group's jobs already hold a slot). The wire and storage spelling is {@link #wireName()}.
 */
public enum ConcurrencyPolicy {
  /** The job waits, Pending, until a slot frees (the default). */
  QUEUE("queue"),
  /** The newest job wins: the group's older holders are cancelled, with a reason, to make room. */
  CANCEL_IN_PROGRESS("cancel_in_progress"),
  /** The job is not run: it is Cancelled, with a reason naming the group. */
  SKIP("skip");

  private final String wire;

  ConcurrencyPolicy(String wire) {
    this.wire = wire;
  }

  public String wireName() {
    return wire;
  }

  /** The policy spelled {@code s}, or null if there is none. */
  public static ConcurrencyPolicy parse(String s) {
    for (ConcurrencyPolicy p : values()) {
      if (p.wire.equals(s)) {
        return p;
      }
    }
    return null;
  }
}
