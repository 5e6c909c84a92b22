package io.mvmci.workflow;

/**
 * What replaying a recorded history against a module version found.
 *
 * @param recordedSteps the steps the history holds (a trailing one in flight is not counted)
 * @param replayedSteps how many of them the run went through
 * @param divergence where and how the run left its history ("step 3: journal has http_request ...,
 *     run called log ..."), or null if it never did
 * @param ending how the replay ended when it did not diverge: the run returned, failed, or would go
 *     on past its history (an unfinished run), with the step it would take next
 */
public record ReplayReport(int recordedSteps, int replayedSteps, String divergence, String ending) {
  /** Whether the run asked, at every recorded step, for exactly what the history holds. */
  public boolean deterministic() {
    return divergence == null;
  }
}
