package io.mvmci.store;

import io.mvmci.job.JobStatus;
import java.util.EnumMap;
import java.util.Map;

/**
 * State that one applied batch accumulates and writes once at commit: the next job sequence number
 * and the changes to the per-status counters.
 */
final class ApplyContext {
  long nextJobSeq;
  final Map<JobStatus, Long> countDeltas = new EnumMap<>(JobStatus.class);

  ApplyContext(long nextJobSeq) {
    this.nextJobSeq = nextJobSeq;
  }

  void moved(JobStatus from, JobStatus to) {
    if (from != null) {
      countDeltas.merge(from, -1L, Long::sum);
    }
    countDeltas.merge(to, 1L, Long::sum);
  }

  /** A job of this status was deleted (retention). */
  void removed(JobStatus from) {
    countDeltas.merge(from, -1L, Long::sum);
  }
}
