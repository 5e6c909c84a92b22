package io.mvmci.queue;

import io.mvmci.command.ClaimJobs;
import io.mvmci.command.Result;
import java.util.List;

/**
 * This node's embedded worker, as an eager start sees it: while this node leads, a submission it
 * appends can carry a claim by that worker ({@link io.mvmci.command.SubmitAndClaim},
 * {@link EagerStartRewriter}), so the job starts in the entry that adds it, without a second commit or
 * a claimer's wake-up.
 */
public interface EagerStarts {
  /**
   * A claim of one job, proposed at {@code now}, for which the worker has taken a free slot; null
   * when it has none free or does not claim. Every claim answered is followed by one {@link #claimed}.
   */
  ClaimJobs reserve(long now);

  /**
   * What the claim took (at most one job: the new one, or one ahead of it in the queue), sent at
   * {@code sentNanos}; null when its entry will not apply as this leader's (refused, or pending when
   * it stepped down). Called on the apply thread, or on Ratis's thread that steps down.
   */
  void claimed(List<Result.ClaimedJob> jobs, long sentNanos);
}
