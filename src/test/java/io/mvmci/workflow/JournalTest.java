package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;

  private static Step.Request request(String what) {
    return Step.Request.of(AbiImport.LOG, EngineTestSupport.utf8(what), what);
  }

  @Test
  void withFsyncEveryCommitIsSyncedAndTheSameFileReopensEitherWay() {
    Path file = dir.resolve("journal.sqlite");
    try (Journal journal = Journal.open(file, true)) {
      assertThat(journal.synchronous()).as("synchronous=FULL").isEqualTo(2);
      journal.begin("r", ModuleRef.exact("m", "abc"), new byte[] {1}, 1000);
    }
    try (Journal journal = Journal.open(file)) {
      assertThat(journal.synchronous()).as("synchronous=NORMAL").isEqualTo(1);
      assertThat(journal.read("r")).isPresent();
    }
  }

  @Test
  void stepsSurviveReopeningInOrderWithStartsAndResults() {
    Path file = dir.resolve("journal.sqlite");
    try (Journal journal = Journal.open(file)) {
      journal.begin("other", ModuleRef.exact("m", "abc"), new byte[0], 999);
      long r = journal.begin("r", ModuleRef.exact("m", "abc"), new byte[] {1, 2}, 1000);
      journal.append(r, new Step(0, request("zero"), true, 0, new byte[] {7}));
      journal.append(r, new Step(1, request("one"), false, 0, new byte[0]));
      journal.complete(r, 1, 42, new byte[] {8, 9});
    }
    try (Journal journal = Journal.open(file)) {
      Journal.RunRecord run = journal.read("r").orElseThrow();
      assertThat(run.module()).isEqualTo(ModuleRef.exact("m", "abc"));
      assertThat(run.input()).containsExactly(1, 2);
      assertThat(run.outcome()).isNull();
      assertThat(run.steps()).extracting(Step::seq).containsExactly(0, 1);
      assertThat(run.steps().get(1).done()).isTrue();
      assertThat(run.steps().get(1).code()).isEqualTo(42);
      assertThat(journal.result(run.runNo(), 1)).containsExactly(8, 9);
      assertThat(journal.result(run.runNo(), 0)).containsExactly(7);
      assertThat(run.steps().get(0).request().sameAs(request("zero"))).isTrue();
      assertThat(run.steps().get(0).request().sameAs(request("one"))).isFalse();
      assertThat(journal.read("other").orElseThrow().steps()).isEmpty();
    }
  }

  @Test
  void finishedRunsLeaveTheUnfinishedListAndKeepTheirOutcome() {
    try (Journal journal = Journal.open(dir.resolve("j.sqlite"))) {
      journal.begin("a", ModuleRef.exact("m", "abc"), new byte[0], 1);
      journal.begin("b", ModuleRef.exact("m", "abc"), new byte[0], 2);
      journal.begin("c", ModuleRef.exact("m", "abc"), new byte[0], 3);
      journal.finish("a", RunOutcome.succeeded(new byte[] {5}), 10);
      journal.finish("b", RunOutcome.failed(FailureKind.TRAP, "trap: x"), 10);

      assertThat(journal.unfinished()).extracting(UnfinishedRun::runId).containsExactly("c");
      assertThat(((RunOutcome.Succeeded) journal.read("a").orElseThrow().outcome()).output()).containsExactly(5);
      assertThat(journal.read("b").orElseThrow().outcome()).isEqualTo(RunOutcome.failed(FailureKind.TRAP, "trap: x"));
    }
  }

  @Test
  void deleteRemovesTheRunAndItsSteps() {
    try (Journal journal = Journal.open(dir.resolve("j.sqlite"))) {
      long a = journal.begin("a", ModuleRef.exact("m", "abc"), new byte[0], 1);
      long b = journal.begin("b", ModuleRef.exact("m", "abc"), new byte[0], 1);
      journal.append(a, new Step(0, request("x"), true, 0, new byte[0]));
      journal.append(b, new Step(0, request("y"), true, 0, new byte[0]));
      assertThat(journal.delete("a")).isTrue();
      assertThat(journal.read("b").orElseThrow().steps()).hasSize(1);
      assertThat(journal.read("a")).isEmpty();
      journal.begin("a", ModuleRef.exact("m", "abc"), new byte[0], 1);
      assertThat(journal.read("a").orElseThrow().steps()).isEmpty();
    }
  }

  @Test
  void aDeletedRunIsGoneForEveryReaderAndAcrossReopening() {
    Path file = dir.resolve("j.sqlite");
    ModuleRef m = ModuleRef.exact("m", "abc");
    try (Journal journal = Journal.open(file)) {
      long a = journal.begin("a", m, new byte[0], 1);
      journal.append(a, new Step(0, request("x"), true, 0, new byte[0]));
      journal.finish("a", RunOutcome.failed(FailureKind.TRAP, "trap: x"), 2);
      journal.begin("b", m, new byte[0], 1);
      journal.begin("c", m, new byte[0], 1);
      assertThat(journal.delete("b")).isTrue();
      assertThat(journal.delete("b")).isFalse();
      assertThat(journal.unfinished()).extracting(UnfinishedRun::runId).containsExactly("c");
      assertThat(journal.read("a").orElseThrow().outcome()).isEqualTo(RunOutcome.failed(FailureKind.TRAP, "trap: x"));
      assertThat(journal.read("b")).isEmpty();
      assertThat(journal.delete("c")).isTrue();
      long c = journal.begin("c", m, new byte[] {3}, 5);
      assertThat(c).as("a run number is never handed out twice").isGreaterThan(a);
      assertThat(journal.read("c").orElseThrow().steps()).isEmpty();
    }
    try (Journal journal = Journal.open(file)) {
      assertThat(journal.unfinished()).extracting(UnfinishedRun::runId).containsExactly("c");
      assertThat(journal.read("a").orElseThrow().steps()).hasSize(1);
      assertThat(journal.read("b")).isEmpty();
    }
  }

  @Test
  void aSecondOpenerOfTheSameFileIsRefused() {
    Path file = dir.resolve("j.sqlite");
    try (Journal journal = Journal.open(file)) {
      journal.begin("a", ModuleRef.exact("m", "abc"), new byte[0], 1);
      assertThatThrownBy(() -> Journal.open(file).close()).isInstanceOf(JournalException.class)
          .hasMessageContaining("another process");
    }
  }

  @Test
  void completingAStepThatWasNotStartedFails() {
    try (Journal journal = Journal.open(dir.resolve("j.sqlite"))) {
      long a = journal.begin("a", ModuleRef.exact("m", "abc"), new byte[0], 1);
      assertThatThrownBy(() -> journal.complete(a, 0, 1, new byte[0])).isInstanceOf(JournalException.class);
    }
  }
}
