package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.command.Command;
import io.mvmci.command.CommandCodec;
import io.mvmci.command.Result;
import io.mvmci.command.ResultCodec;
import io.mvmci.command.SubmitJob;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Group commit with a fake Raft: every entry sent is recorded with its future, and the test completes
 * the futures by hand, so what goes out together, and when, is fully determined.
 */
class GroupCommitterTest {

  /** One entry handed to the fake Raft, and the reply the test completes it with. */
  private record Sent(List<Command> commands, CompletableFuture<byte[]> reply) {
    List<String> urls() {
      return commands.stream().map(c -> ((SubmitJob) c).url()).toList();
    }

    /** Commits the entry: one result per command, job seq = the number in the command's URL. */
    void commit() {
      reply.complete(ResultCodec.encode(commands.stream()
          .map(c -> (Result) new Result.Submitted(Long.parseLong(((SubmitJob) c).url().substring(4)), false))
          .toList()));
    }
  }

  private final List<Sent> sent = new ArrayList<>();
  private final List<Integer> batchSizes = new ArrayList<>();

  private GroupCommitter committer(int maxBatch, int maxBytes, int maxInFlight, int maxQueued) {
    GroupCommitter c = new GroupCommitter(entry -> {
      CompletableFuture<byte[]> reply = new CompletableFuture<>();
      sent.add(new Sent(CommandCodec.decode(entry), reply));
      return reply;
    }, ResultCodec::decode, new GroupCommitter.Limits(maxBatch, maxBytes, maxInFlight, maxQueued));
    c.observeBatches(batchSizes::add);
    return c;
  }

  private GroupCommitter committer(int maxInFlight) {
    return committer(512, 1 << 20, maxInFlight, 100_000);
  }

  /** A command whose URL carries its number: {@code job-0}, {@code job-1}, ... */
  private static SubmitJob job(int n) {
    return new SubmitJob(1_700_000_000_000L, "crawler", "{}", "job-" + n, 0, 0, 3, 60_000, null);
  }

  private static Throwable failure(CompletableFuture<?> f) {
    assertThat(f).isCompletedExceptionally();
    return f.handle((ok, error) -> error).join();
  }

  private static long seq(CompletableFuture<Result> f) {
    return ((Result.Submitted) f.join()).seq();
  }

  @Test
  void aLoneCommandIsSentAtOnceAndGetsItsResultWhenItsEntryCommits() {
    GroupCommitter c = committer(1);

    CompletableFuture<Result> f = c.submit(job(7));

    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).urls()).containsExactly("job-7");
    assertThat(f).isNotDone();
    sent.get(0).commit();
    assertThat(seq(f)).isEqualTo(7);
    assertThat(sent).as("nothing else to send").hasSize(1);
  }

  @Test
  void commandsArrivingWhileTheEntryIsInFlightGoTogetherAsTheNextEntry() {
    GroupCommitter c = committer(1);
    CompletableFuture<Result> first = c.submit(job(0));

    List<CompletableFuture<Result>> waiting = List.of(c.submit(job(1)), c.submit(job(2)), c.submit(job(3)));

    assertThat(sent).as("queued behind the entry in flight").hasSize(1);
    sent.get(0).commit();
    assertThat(seq(first)).isZero();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).urls()).containsExactly("job-1", "job-2", "job-3");
    assertThat(waiting).allMatch(f -> !f.isDone());
    sent.get(1).commit();
    assertThat(waiting).extracting(GroupCommitterTest::seq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void withTwoEntriesInFlightTheThirdWaitsForEitherToCommit() {
    GroupCommitter c = committer(2);
    CompletableFuture<Result> a = c.submit(job(0));
    CompletableFuture<Result> b = c.submit(job(1));
    CompletableFuture<Result> d = c.submit(job(2));
    CompletableFuture<Result> e = c.submit(job(3));

    assertThat(sent).extracting(Sent::urls).containsExactly(List.of("job-0"), List.of("job-1"));
    sent.get(1).commit(); // entries may commit in any order; each caller gets its own result
    assertThat(seq(b)).isEqualTo(1);
    assertThat(a).isNotDone();
    assertThat(sent).hasSize(3);
    assertThat(sent.get(2).urls()).containsExactly("job-2", "job-3");
    sent.get(0).commit();
    sent.get(2).commit();
    assertThat(List.of(a, d, e)).extracting(GroupCommitterTest::seq).containsExactly(0L, 2L, 3L);
  }

  @Test
  void maxBatchSplitsTheQueueIntoEntries() {
    GroupCommitter c = committer(2, 1 << 20, 1, 100_000);
    for (int i = 0; i < 5; i++) {
      c.submit(job(i));
    }

    sent.get(0).commit();
    sent.get(1).commit();
    sent.get(2).commit();

    assertThat(sent).extracting(Sent::urls)
        .containsExactly(List.of("job-0"), List.of("job-1", "job-2"), List.of("job-3", "job-4"));
  }

  @Test
  void maxBytesSplitsTheQueueIntoEntries() {
    int frame = CommandCodec.frame(job(0)).length;
    GroupCommitter c = committer(512, 2 * frame, 1, 100_000);
    for (int i = 0; i < 4; i++) {
      c.submit(job(i));
    }

    sent.get(0).commit();
    sent.get(1).commit();

    assertThat(sent).extracting(Sent::urls)
        .containsExactly(List.of("job-0"), List.of("job-1", "job-2"), List.of("job-3"));
  }

  @Test
  void aCommandLargerThanMaxBytesStillGoesAlone() {
    int frame = CommandCodec.frame(job(0)).length;
    GroupCommitter c = committer(512, frame - 1, 1, 100_000);
    List<CompletableFuture<Result>> fs = List.of(c.submit(job(0)), c.submit(job(1)), c.submit(job(2)));

    sent.get(0).commit();
    sent.get(1).commit();
    sent.get(2).commit();

    assertThat(sent).extracting(Sent::urls)
        .containsExactly(List.of("job-0"), List.of("job-1"), List.of("job-2"));
    assertThat(fs).extracting(GroupCommitterTest::seq).containsExactly(0L, 1L, 2L);
  }

  @Test
  void pastMaxQueuedASubmissionFailsRetryablyAndIsNotSent() {
    GroupCommitter c = committer(512, 1 << 20, 1, 2);
    c.submit(job(0)); // in flight
    c.submit(job(1));
    c.submit(job(2));

    CompletableFuture<Result> refused = c.submit(job(3));

    assertThat(failure(refused)).isInstanceOf(ReplicationException.class)
        .satisfies(e -> assertThat(((ReplicationException) e).retryable()).isTrue());
    sent.get(0).commit();
    assertThat(sent.get(1).urls()).containsExactly("job-1", "job-2");
  }

  @Test
  void aFailedEntryFailsEveryCommandInItWithTheUnwrappedCauseAndTheNextEntryStillGoes() {
    GroupCommitter c = committer(1);
    c.submit(job(0));
    CompletableFuture<Result> b = c.submit(job(1));
    CompletableFuture<Result> d = c.submit(job(2));
    sent.get(0).commit();
    CompletableFuture<Result> e = c.submit(job(3));
    IOException cause = new IOException("no leader");

    sent.get(1).reply().completeExceptionally(new CompletionException(cause));

    assertThat(failure(b)).isSameAs(cause);
    assertThat(failure(d)).isSameAs(cause);
    assertThat(sent).hasSize(3);
    assertThat(sent.get(2).urls()).containsExactly("job-3");
    sent.get(2).commit();
    assertThat(seq(e)).isEqualTo(3);
  }

  @Test
  void aSendThatThrowsFailsItsEntryAndFreesTheSlot() {
    IllegalStateException thrown = new IllegalStateException("client closed");
    boolean[] throwNext = {true};
    GroupCommitter c = new GroupCommitter(entry -> {
      if (throwNext[0]) {
        throwNext[0] = false;
        throw thrown;
      }
      CompletableFuture<byte[]> reply = new CompletableFuture<>();
      sent.add(new Sent(CommandCodec.decode(entry), reply));
      return reply;
    }, ResultCodec::decode, GroupCommitter.Limits.DEFAULT);

    CompletableFuture<Result> a = c.submit(job(0));
    CompletableFuture<Result> b = c.submit(job(1));

    assertThat(failure(a)).isSameAs(thrown);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).urls()).containsExactly("job-1");
    sent.get(0).commit();
    assertThat(seq(b)).isEqualTo(1);
  }

  @Test
  void aReplyWithTheWrongNumberOfResultsFailsItsEntry() {
    GroupCommitter c = committer(1);
    c.submit(job(0));
    CompletableFuture<Result> b = c.submit(job(1));
    CompletableFuture<Result> d = c.submit(job(2));
    sent.get(0).commit();

    sent.get(1).reply().complete(ResultCodec.encode(List.of(new Result.Submitted(1, false))));

    for (CompletableFuture<Result> f : List.of(b, d)) {
      assertThat(failure(f)).isInstanceOf(ReplicationException.class)
          .hasMessage("reply has 1 results for 2 commands")
          .satisfies(ex -> assertThat(((ReplicationException) ex).retryable()).isFalse());
    }
  }

  @Test
  void theBatchObserverSeesTheNumberOfCommandsInEachEntry() {
    GroupCommitter c = committer(1);
    c.submit(job(0));
    c.submit(job(1));
    c.submit(job(2));
    c.submit(job(3));

    sent.get(0).commit();
    sent.get(1).commit();

    assertThat(batchSizes).containsExactly(1, 3);
  }

  @Test
  void aFailingBatchObserverNeverStopsAWrite() {
    GroupCommitter c = committer(1);
    c.observeBatches(n -> {
      throw new IllegalStateException("metrics broke");
    });

    CompletableFuture<Result> f = c.submit(job(0));
    sent.get(0).commit();

    assertThat(seq(f)).isZero();
  }

  @Test
  void waitsAndRoundTripsAreTimedPerCommandAndPerEntry() throws InterruptedException {
    GroupCommitter c = committer(1);
    List<Long> waits = new ArrayList<>();
    List<Long> roundTrips = new ArrayList<>();
    c.observeTimes(waits::add, roundTrips::add);

    c.submit(job(0));
    c.submit(job(1));
    c.submit(job(2));
    Thread.sleep(20);
    sent.get(0).commit();

    // job 0 went at once; jobs 1 and 2 waited for its entry, which took at least the 20 ms
    assertThat(waits).hasSize(3);
    assertThat(waits.get(0)).isLessThan(waits.get(1));
    assertThat(waits.subList(1, 3)).allSatisfy(w -> assertThat(w).isGreaterThanOrEqualTo(20_000_000L));
    assertThat(roundTrips).singleElement().satisfies(r -> assertThat(r).isGreaterThanOrEqualTo(20_000_000L));

    sent.get(1).commit();
    assertThat(roundTrips).hasSize(2);
  }

  @Test
  void failingTimeObserversNeverStopAWrite() {
    GroupCommitter c = committer(1);
    c.observeTimes(n -> {
      throw new IllegalStateException("metrics broke");
    }, n -> {
      throw new IllegalStateException("metrics broke");
    });

    CompletableFuture<Result> f = c.submit(job(0));
    sent.get(0).commit();

    assertThat(seq(f)).isZero();
  }
}
