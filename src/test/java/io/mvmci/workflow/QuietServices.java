package io.mvmci.workflow;

import java.util.Optional;

/**
 * A cluster's side for tests that need {@link RunServices} for one thing only: nothing suspends, no
 * signal arrives, a spawn is refused, a child's outcome is unknown. Subclasses add what they test.
 */
abstract class QuietServices implements RunServices {
  @Override
  public long suspendSleepsLongerThanMs() {
    return Long.MAX_VALUE;
  }

  @Override
  public Optional<Signal> nextSignal(String name, long afterId) {
    return Optional.empty();
  }

  @Override
  public Answer spawn(byte[] request, int step) {
    return Answer.of(1, new byte[0]);
  }

  @Override
  public Answer jobOutcome(String jobId) {
    return Answer.of(-1, new byte[0]);
  }
}
