package io.mvmci.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.job.JobStatus;
import io.mvmci.store.HistoryQueries;
import io.mvmci.testing.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replicated history on the apply path: fencing, order, pieces, idempotent repeats, limits. */
class AppendStepsTest {
  static final long T = 1_700_000_000_000L;
  static final AppendSteps.Limits LIMITS = new AppendSteps.Limits(1024, 4096, 10);
  static final byte[] DIGEST = {1, 2, 3};

  @TempDir Path dir;
  StoreFixture db;
  JobRef claim;

  @BeforeEach
  void open() throws Exception {
    db = StoreFixture.seeded(dir.resolve("q.sqlite"));
    db.one(new SubmitJob(T, "noop", "{}", null, 0, 0, 3, 60_000, null));
    claim = claimed(T + 1, "w");
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  JobRef claimed(long at, String worker) throws Exception {
    return ((Result.Claimed) db.one(new ClaimJobs(at, worker, 1, 1_000))).jobs().get(0).ref();
  }

  static AppendSteps.Write done(int seq, String kind, String result) {
    return new AppendSteps.Write(seq, kind, DIGEST, kind + " " + seq, 0, 0, bytes(result), true);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  Result append(JobRef ref, String worker, AppendSteps.Write... writes) throws Exception {
    return db.one(new AppendSteps(T + 2, worker, ref, List.of(writes), LIMITS));
  }

  List<HistoryQueries.Step> history() throws Exception {
    return db.store.queries().history().all(0, true);
  }

  @Test
  void stepsAppendInOrderUnderTheCurrentClaimAndRepeatsChangeNothing() throws Exception {
    assertThat(append(claim, "w", done(0, "now_ms", "t0"), done(1, "random_fill", "r1"))).isEqualTo(new Result.Ack());
    assertThat(append(claim, "w", done(1, "random_fill", "r1"))).as("a retried command").isEqualTo(new Result.Ack());
    assertThat(append(claim, "w", done(3, "now_ms", "x")))
        .isInstanceOfSatisfying(Result.Rejected.class, r -> assertThat(r.message()).contains("not the next one"));
    assertThat(history()).extracting(s -> s.seq() + " " + s.kind() + " " + new String(s.result(), StandardCharsets.UTF_8))
        .containsExactly("0 now_ms t0", "1 random_fill r1");
    assertThat(db.job(0).historySteps()).isEqualTo(2);
  }

  @Test
  void aStaleClaimAppendsNothing() throws Exception {
    assertThat(append(claim, "other", done(0, "now_ms", "x")))
        .isInstanceOfSatisfying(Result.Rejected.class, r -> assertThat(r.reason()).isEqualTo(Result.Reason.STALE_CLAIM));
    db.one(new ExpireLeases(T + 10_000, T));
    JobRef next = claimed(T + 10_001, "w2");
    assertThat(append(claim, "w", done(0, "now_ms", "x"))).as("the taken-over attempt")
        .isInstanceOfSatisfying(Result.Rejected.class, r -> assertThat(r.reason()).isEqualTo(Result.Reason.STALE_CLAIM));
    assertThat(append(next, "w2", done(0, "now_ms", "y"))).isEqualTo(new Result.Ack());
    assertThat(history()).singleElement().satisfies(s -> assertThat(s.attempt()).isEqualTo(2));
  }

  @Test
  void aStartedRequestIsFinishedLaterAndABigResultArrivesInPieces() throws Exception {
    AppendSteps.Write start = new AppendSteps.Write(0, "http_request", DIGEST, "GET /", 0, 0, new byte[0], false);
    assertThat(append(claim, "w", start)).isEqualTo(new Result.Ack());
    assertThat(history().get(0).done()).isFalse();
    assertThat(append(claim, "w", new AppendSteps.Write(0, "http_request", DIGEST, "GET /", 200, 0, bytes("ab"), false)))
        .isEqualTo(new Result.Ack());
    assertThat(append(claim, "w", new AppendSteps.Write(0, "http_request", DIGEST, "GET /", 200, 2, bytes("cd"), true)))
        .isEqualTo(new Result.Ack());
    assertThat(append(claim, "w", new AppendSteps.Write(0, "http_request", DIGEST, "GET /", 200, 2, bytes("cd"), true)))
        .as("a repeated piece").isEqualTo(new Result.Ack());
    HistoryQueries.Step s = history().get(0);
    assertThat(s.done()).isTrue();
    assertThat(s.code()).isEqualTo(200);
    assertThat(new String(s.result(), StandardCharsets.UTF_8)).isEqualTo("abcd");
    assertThat(append(claim, "w", new AppendSteps.Write(0, "now_ms", DIGEST, "", 0, 0, bytes("z"), true)))
        .as("another request at the same step").isInstanceOf(Result.Rejected.class);
  }

  @Test
  void breakingALimitRefusesTheWholeCommandAndSaysWhich() throws Exception {
    byte[] big = new byte[1025];
    Arrays.fill(big, (byte) 'x');
    assertThat(append(claim, "w", done(0, "now_ms", "ok"),
        new AppendSteps.Write(1, "http_request", DIGEST, "GET /big", 200, 0, big, true)))
        .isInstanceOfSatisfying(Result.Rejected.class, r -> {
          assertThat(r.reason()).isEqualTo(Result.Reason.LIMIT);
          assertThat(r.message()).contains("step 1", "1025 bytes", "1024 bytes a step");
        });
    assertThat(history()).as("nothing of the refused command").isEmpty();
    for (int i = 0; i < 10; i++) {
      assertThat(append(claim, "w", done(i, "now_ms", "t"))).isEqualTo(new Result.Ack());
    }
    assertThat(append(claim, "w", done(10, "now_ms", "t")))
        .isInstanceOfSatisfying(Result.Rejected.class, r -> assertThat(r.message()).contains("11 steps"));
  }

  @Test
  void logAndProgressStepsAreTheJobsLogAndProgress() throws Exception {
    append(claim, "w", new AppendSteps.Write(0, "log", DIGEST, "level 2 hi", 2, 0, bytes("hi there"), true),
        new AppendSteps.Write(1, "progress", DIGEST, "40% x", 40, 0, bytes("fetching"), true));
    assertThat(db.job(0).progress()).isEqualTo(40);
    assertThat(db.job(0).progressMessage()).isEqualTo("fetching");
    assertThat(db.store.queries().logs(0, -1, 10)).singleElement()
        .satisfies(l -> assertThat(l.message()).isEqualTo("hi there"));
  }

  @Test
  void aRetryAfterAFailureStartsTheNextExecutionAndKeepsTheLast() throws Exception {
    append(claim, "w", done(0, "now_ms", "first"));
    db.one(new FailJob(T + 3, "w", claim, "boom", true, T + 4, null));
    assertThat(db.job(0).status()).isEqualTo(JobStatus.Retrying);
    assertThat(db.job(0).execution()).isEqualTo(2);
    assertThat(db.job(0).historySteps()).isZero();
    Result.ClaimedJob again = ((Result.Claimed) db.one(new ClaimJobs(T + 5, "w", 1, 1_000))).jobs().get(0);
    assertThat(again.execution()).isEqualTo(2);
    assertThat(again.historySteps()).isZero();
    append(again.ref(), "w", done(0, "now_ms", "second"));
    assertThat(history()).extracting(s -> s.execution() + ":" + new String(s.result(), StandardCharsets.UTF_8))
        .containsExactly("1:first", "2:second");
    db.one(new ReleaseJob(T + 6, "w", again.ref(), "stopping"));
    Result.ClaimedJob resumed = ((Result.Claimed) db.one(new ClaimJobs(T + 7, "w", 1, 1_000))).jobs().get(0);
    assertThat(resumed.execution()).as("a hand-back resumes the execution").isEqualTo(2);
    assertThat(resumed.historySteps()).isEqualTo(1);
  }
}
