package io.mvmci.job;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and when a job may run, beyond its run-at time: the worker labels it requires, and the
 * concurrency group it belongs to.
 *
 * <p>Invariant: {@code labels} is checked ({@link Labels#checked}: valid, no repeats, in the order given). A group is named by
 * {@code concurrencyKey} (null: no group); at most {@code concurrencyLimit} of the group's jobs hold
 * a slot at once. A job holds its group's slot from its claim until it ends: while InProgress, while
 * Waiting (a run that gave its worker back still holds its group, as in Buildkite and GitHub
 * Actions), and while Pending again to resume a run that has history (a lease that ran out, a worker
 * that handed it back, a wake). A retry after a failure starts afresh and queues for a slot again.
 *
 * @param labels the labels a worker must all have to claim the job
 * @param concurrencyKey the group's name, or null
 * @param concurrencyLimit jobs of the group that may hold a slot at once, 1 or more
 * @param policy what a claim does when the group is full
 */
public record Dispatch(List<String> labels, String concurrencyKey, int concurrencyLimit, ConcurrencyPolicy policy) {
  public static final Dispatch NONE = new Dispatch(List.of(), null, 1, ConcurrencyPolicy.QUEUE);
  /** Most jobs of one group that may run at once. */
  public static final int MAX_LIMIT = 10_000;
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");

  public Dispatch {
    labels = Labels.checked(labels);
    Objects.requireNonNull(policy, "policy");
    if (concurrencyLimit < 1 || concurrencyLimit > MAX_LIMIT) {
      throw new IllegalArgumentException("concurrency_limit must be between 1 and " + MAX_LIMIT + ", not "
          + concurrencyLimit);
    }
    if (concurrencyKey != null && !KEY.matcher(concurrencyKey).matches()) {
      throw new IllegalArgumentException(
          "concurrency_key must be 1-128 printable ASCII characters without spaces");
    }
  }

  public boolean isEmpty() {
    return labels.isEmpty() && concurrencyKey == null;
  }
}
