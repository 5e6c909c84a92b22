package io.mvmci.workflow;

import java.util.List;
import java.util.function.IntFunction;

/**
 * A recorded history replayed without side effects (the replay tool): the run gets every recorded
 * result, and the first step it would add ends it, before that step's effect happens (every host
 * function records a new step before performing it). A step recorded as in flight (an HTTP request
 * whose result never came) counts as beyond the history, so it is never sent. Past the history, a
 * call that would ask the cluster (a signal, a child job) ends the replay the same way, unasked.
 */
final class ReplayHistory implements RunHistory, RunServices {
  private final List<HistoryStep> recorded;
  private final IntFunction<byte[]> results;
  private volatile HistoryStep beyond;
  private volatile int replayed;

  ReplayHistory(List<HistoryStep> steps, IntFunction<byte[]> results) {
    int done = steps.size();
    if (done > 0 && !steps.get(done - 1).done()) {
      done--;
    }
    this.recorded = List.copyOf(steps.subList(0, done));
    this.results = results;
  }

  @Override
  public List<HistoryStep> recorded() {
    return recorded;
  }

  @Override
  public byte[] result(int seq) {
    replayed = Math.max(replayed, seq + 1);
    return results.apply(seq);
  }

  @Override
  public void record(HistoryStep step, byte[] result, boolean lazy) {
    beyond = step;
    throw new HistoryException(HistoryException.Why.UNAVAILABLE, "the replay reached the end of the history");
  }

  @Override
  public void complete(HistoryStep step, int code, byte[] result) {
    record(step, result, false);
  }

  @Override
  public void flush() {
  }

  @Override
  public long suspendSleepsLongerThanMs() {
    return 0; // a replay never sleeps: a sleep not yet over is where the run waits now
  }

  @Override
  public java.util.Optional<Signal> nextSignal(String name, long afterId) {
    return pastTheEnd("await_signal", "\"" + name + "\" taken");
  }

  @Override
  public Answer spawn(byte[] request, int step) {
    return pastTheEnd("spawn_job", "");
  }

  @Override
  public Answer jobOutcome(String jobId) {
    return pastTheEnd("await_job", jobId);
  }

  private <T> T pastTheEnd(String kind, String summary) {
    beyond = new HistoryStep(recorded.size(), kind, new byte[0], summary, false, 0);
    throw new HistoryException(HistoryException.Why.UNAVAILABLE, "the replay reached the end of the history");
  }

  /** The report, once the replayed run ended with {@code outcome}. */
  ReplayReport report(RunOutcome outcome) {
    HistoryStep next = beyond;
    if (outcome instanceof RunOutcome.Failed f && f.kind() == FailureKind.NON_DETERMINISTIC) {
      return new ReplayReport(recorded.size(), replayed, f.reason(), null);
    }
    if (next != null) {
      return new ReplayReport(recorded.size(), next.seq(), null, "the run would go on past its history with step "
          + next.seq() + ": " + next.kind() + (next.summary().isEmpty() ? "" : " " + next.summary()));
    }
    String ending = outcome instanceof RunOutcome.Failed f
        ? "the run failed: " + f.kind() + ": " + f.reason()
        : outcome instanceof RunOutcome.Suspended s ? "the run would wait for " + s.waitingFor()
        : "the run returned";
    return new ReplayReport(recorded.size(), recorded.size(), null, ending);
  }
}
