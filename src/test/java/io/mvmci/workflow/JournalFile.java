package io.mvmci.workflow;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An engine's journal file as a test reads it: the steps a run journaled, with their kind, the
 * request as the journal summarises it, and the result; and the run's outcome. It reads through the
 * engine's own {@link Journal}, so the tests hold no second copy of its schema. Only read it when no
 * engine holds the file (the engine opens it in exclusive locking mode).
 */
final class JournalFile {

  /**
   * One journaled step. {@code kind} is the ABI import name ({@code sleep_ms}); {@code summary}
   * the request as the journal describes it ({@code 100 ms}, {@code 50% "step 2/2 build"});
   * {@code result} empty while the step is not done.
   */
  record Step(int seq, String kind, String summary, boolean done, int code, byte[] result) {
    /** The result of a {@code now_ms} or {@code sleep_ms} step (the time read, the wake-up time). */
    long resultLong() {
      return ByteBuffer.wrap(result).getLong();
    }
  }

  /** A run's final outcome: its name ({@code SUCCEEDED}, {@code GUEST_FAILED}, null if unfinished). */
  record Run(String outcome, String reason, byte[] output) {}

  private final Path file;

  JournalFile(Path file) {
    this.file = file;
  }

  /** The run's steps in order; none if it has no journal. */
  List<Step> steps(String runId) {
    try (Journal journal = Journal.open(file)) {
      return journal.read(runId).map(run -> run.steps().stream()
          .map(s -> new Step(s.seq(), s.request().kind().importName(), s.request().summary(), s.done(), s.code(),
              s.done() ? journal.result(run.runNo(), s.seq()) : new byte[0]))
          .toList()).orElse(List.of());
    }
  }

  /** The steps of one kind, in order. */
  List<Step> steps(String runId, String kind) {
    return steps(runId).stream().filter(s -> s.kind().equals(kind)).toList();
  }

  Optional<Run> run(String runId) {
    try (Journal journal = Journal.open(file)) {
      return journal.read(runId).map(run -> {
        RunOutcome outcome = run.outcome();
        if (outcome instanceof RunOutcome.Succeeded s) {
          return new Run("SUCCEEDED", null, s.output());
        } else if (outcome instanceof RunOutcome.Failed f) {
          return new Run(f.kind().name(), f.reason(), f.output().length == 0 ? null : f.output());
        }
        return new Run(null, null, null);
      });
    }
  }
}
