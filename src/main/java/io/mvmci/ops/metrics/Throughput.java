package io.mvmci.ops.metrics;

import io.mvmci.command.Effects;
import io.mvmci.command.JobRef;
import io.mvmci.job.JobStatus;

/**
 * Jobs submitted, completed and failed in each second of the last hour, as this node applied them
 * (every node applies every entry, so each counts the whole cluster), by the time their commands were
 * stamped with: the overview's throughput chart. Counts are kept in memory and start empty when the
 * node starts. The apply thread bumps a counter; readers copy under the same lock.
 */
public final class Throughput implements Effects {
  public static final int SECONDS = 3_600;

  private final long[] second = new long[SECONDS];
  private final long[] submitted = new long[SECONDS];
  private final long[] completed = new long[SECONDS];
  private final long[] failed = new long[SECONDS];

  /** One series per kind, oldest second first, ending with the second of {@code nowMs}. */
  public record Series(long endSecond, long[] submitted, long[] completed, long[] failed) {}

  @Override
  public void jobSubmitted(long seq, long at) {
    bump(submitted, at);
  }

  @Override
  public void runEnded(JobRef job, long at, JobStatus to) {
    if (to == JobStatus.Completed) {
      bump(completed, at);
    } else if (to == JobStatus.Failed) {
      bump(failed, at);
    }
  }

  private synchronized void bump(long[] counts, long atMs) {
    long s = Math.floorDiv(atMs, 1000);
    int i = (int) Math.floorMod(s, SECONDS);
    if (second[i] != s) {
      if (second[i] > s) {
        return; // older than the hour the slot now holds
      }
      second[i] = s;
      submitted[i] = 0;
      completed[i] = 0;
      failed[i] = 0;
    }
    counts[i]++;
  }

  /** The last {@code seconds} seconds (at most an hour) up to the one of {@code nowMs}. */
  public synchronized Series last(int seconds, long nowMs) {
    int n = Math.max(1, Math.min(SECONDS, seconds));
    long end = Math.floorDiv(nowMs, 1000);
    long[] s = new long[n];
    long[] c = new long[n];
    long[] f = new long[n];
    for (int k = 0; k < n; k++) {
      long sec = end - (n - 1) + k;
      int i = (int) Math.floorMod(sec, SECONDS);
      if (second[i] == sec) {
        s[k] = submitted[i];
        c[k] = completed[i];
        f[k] = failed[i];
      }
    }
    return new Series(end, s, c, f);
  }
}
