package io.mvmci.worker;

import io.mvmci.command.AppendSteps;
import io.mvmci.command.JobRef;
import io.mvmci.command.Result;
import io.mvmci.workflow.HistoryStep;
import java.util.List;

/**
 * How a worker reads and extends the replicated history of the runs it holds claims on: through its
 * own node's Raft log (embedded), or over HTTP (remote). The node that proposes an append stamps the
 * time and its history limits.
 *
 * <p>Every method may throw {@link WorkException} when the queue cannot be reached; an append whose
 * outcome is unknown may be sent again (appends are idempotent).
 */
public interface HistoryTransport {
  /** Appends writes to the history of {@code job}'s current execution, under the claim {@code job}. */
  Result appendSteps(JobRef job, List<AppendSteps.Write> writes);

  /** The recorded steps of {@code job}'s execution, without results, in order. */
  List<HistoryStep> steps(JobRef job, int execution);

  /** The result of one recorded step. */
  byte[] stepResult(JobRef job, int execution, int seq);
}
