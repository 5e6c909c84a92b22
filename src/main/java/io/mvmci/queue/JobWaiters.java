package io.mvmci.queue;

import io.mvmci.command.Effects;
import io.mvmci.command.JobRef;
import io.mvmci.job.JobStatus;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Callers waiting for jobs to finish on this node (a long poll): each waits on a future completed
 * when this node applies the entry that finishes the job. Every node applies every entry, so a wait
 * on any node ends as soon as that node has the outcome.
 *
 * <p>Effects run on the apply thread: they only look up and complete futures.
 */
public final class JobWaiters implements Effects {
  private final Map<Long, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

  /** A future of the caller's own, completed once job {@code seq} finishes here. */
  CompletableFuture<Void> await(long seq) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    waiting.computeIfAbsent(seq, s -> ConcurrentHashMap.newKeySet()).add(f);
    return f;
  }

  /** The caller stopped waiting. */
  void forget(long seq, CompletableFuture<Void> f) {
    waiting.computeIfPresent(seq, (s, set) -> {
      set.remove(f);
      return set.isEmpty() ? null : set;
    });
  }

  @Override
  public void runEnded(JobRef job, long at, JobStatus to) {
    if (to.isTerminal()) {
      wake(job.seq());
    }
  }

  @Override
  public void jobCancelled(long seq, long at) {
    wake(seq);
  }

  @Override
  public void leasesExpired(int jobs) {
    // a job failed by lease expiry is found by the waiter's next read (it re-reads on wake or timeout)
    waiting.keySet().forEach(this::wake);
  }

  private void wake(long seq) {
    Set<CompletableFuture<Void>> set = waiting.remove(seq);
    if (set != null) {
      set.forEach(f -> f.complete(null));
    }
  }
}
