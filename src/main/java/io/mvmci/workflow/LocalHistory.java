package io.mvmci.workflow;

import java.util.ArrayList;
import java.util.List;

/**
 * A run's history in the engine's local journal: for runs started without a {@link RunHistory} of
 * their own (the engine used on its own, its tests and benchmarks). Every step is durable at once;
 * log and progress steps record no result (the engine hands their lines to its ProgressSink).
 */
final class LocalHistory implements RunHistory {
  private static final byte[] NOTHING = new byte[0];

  private final Journal journal;
  private final long runNo;
  private final List<HistoryStep> recorded;

  LocalHistory(Journal journal, long runNo, List<Step> steps) {
    this.journal = journal;
    this.runNo = runNo;
    List<HistoryStep> out = new ArrayList<>(steps.size());
    for (Step s : steps) {
      out.add(new HistoryStep(s.seq(), s.request().kind().importName(), s.request().digest(),
          s.request().summary(), s.done(), s.code()));
    }
    this.recorded = List.copyOf(out);
  }

  @Override
  public List<HistoryStep> recorded() {
    return recorded;
  }

  @Override
  public byte[] result(int seq) {
    return journal.result(runNo, seq);
  }

  @Override
  public void record(HistoryStep step, byte[] result, boolean lazy) {
    journal.append(runNo, new Step(step.seq(), request(step), step.done(), step.code(), result));
  }

  @Override
  public void complete(HistoryStep step, int code, byte[] result) {
    journal.complete(runNo, step.seq(), code, result);
  }

  @Override
  public void flush() {
  }

  private static Step.Request request(HistoryStep step) {
    AbiImport kind = AbiImport.byName(step.kind())
        .orElseThrow(() -> new IllegalArgumentException("no host import " + step.kind()));
    return new Step.Request(kind, step.digest(), step.summary());
  }
}
