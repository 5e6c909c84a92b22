package io.mvmci.worker;

import io.mvmci.command.JobRef;
import io.mvmci.job.JobId;

/**
 * A run's id names the claim it runs under: {@code job-7/2} is attempt 2 of job-7. The journal is
 * keyed by it, so a node that restarts within its lease resumes exactly the claim it held.
 */
final class RunIds {
  private RunIds() {}

  static String of(JobRef ref) {
    return JobId.format(ref.seq()) + "/" + ref.attempt();
  }

  /** The claim a run id names, or null if it is not one of ours. */
  static JobRef parse(String runId) {
    int slash = runId.lastIndexOf('/');
    if (slash < 0) {
      return null;
    }
    long seq = JobId.parse(runId.substring(0, slash));
    try {
      int attempt = Integer.parseInt(runId.substring(slash + 1));
      return seq < 0 || attempt < 1 ? null : new JobRef(seq, attempt);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
