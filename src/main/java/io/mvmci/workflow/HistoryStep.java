package io.mvmci.workflow;

import java.util.Arrays;
import java.util.Objects;

/**
 * One step of a run's history, without its result: what a {@link RunHistory} hands a run to replay
 * and takes from it to record.
 *
 * @param seq the step's position in the run, from 0, in call order
 * @param kind the host import's name ({@code http_request}, {@code now_ms}, {@code log}, ...)
 * @param digest sha-256 of the request's bytes; a replayed step must ask for the same
 * @param summary the request, shortened, for people
 * @param done false while only the start of an {@code http_request} is recorded
 * @param code the call's i32 return value ({@code http_request}), the level ({@code log}), the
 *     percent ({@code progress}); 0 otherwise
 */
public record HistoryStep(int seq, String kind, byte[] digest, String summary, boolean done, int code) {
  public HistoryStep {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(summary, "summary");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HistoryStep s && seq == s.seq && kind.equals(s.kind) && Arrays.equals(digest, s.digest)
        && summary.equals(s.summary) && done == s.done && code == s.code;
  }

  @Override
  public int hashCode() {
    return Objects.hash(seq, kind, Arrays.hashCode(digest), summary, done, code);
  }
}
