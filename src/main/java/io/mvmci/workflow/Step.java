package io.mvmci.workflow;

/**
 * One journaled host call.
 *
 * @param seq position in the run's sequence of journaled calls, from 0
 * @param request what the guest asked for
 * @param done false while only the start of an {@code http_request} is recorded
 * @param code the call's i32 return value (http_request), 0 for the others
 * @param result the bytes the call produced (response, time, random bytes, wake-up time);
 *     null in steps read from the journal, whose results are read when replayed
 */
record Step(int seq, Request request, boolean done, int code, byte[] result) {

  /**
   * What a guest asks for at a step.
   *
   * @param digest sha-256 of the request's bytes, compared on replay
   * @param summary the request, shortened, for the non-determinism message
   */
  record Request(AbiImport kind, byte[] digest, String summary) {
    static Request of(AbiImport kind, byte[] request, String summary) {
      return new Request(kind, Sha256.digest(request), summary);
    }

    boolean sameAs(Request other) {
      return kind == other.kind && java.util.Arrays.equals(digest, other.digest);
    }

    String describe() {
      return kind.importName() + (summary.isEmpty() ? "" : " " + summary);
    }
  }
}
