package io.mvmci.command;

import io.mvmci.testing.StoreFixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.job.Job;
import io.mvmci.job.JobStatus;
import io.mvmci.job.Reasons;
import io.mvmci.job.JobEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job state machine as apply runs it: claims, fencing, leases, retries, cancellation. */
class JobLifecycleTest {
  static final long T = 1_700_000_000_000L;
  static final long LEASE = 3_000;
  @TempDir Path dir;
  StoreFixture db;

  @BeforeEach
  void open() throws Exception {
    db = StoreFixture.seeded(dir.resolve("q.sqlite"));
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  static SubmitJob submit(long at, int priority, long runAt, int maxAttempts) {
    return new SubmitJob(at, "noop", "{}", null, priority, runAt, maxAttempts, 60_000, null);
  }

  List<Result.ClaimedJob> claim(long at, String worker, int max) throws Exception {
    return ((Result.Claimed) db.one(new ClaimJobs(at, worker, max, LEASE))).jobs();
  }

  @Test
  void claimsTakeRunnableJobsByPriorityThenRunAtThenId() throws Exception {
    db.apply(submit(T, 0, 0, 3), submit(T, 5, 0, 3), submit(T, 0, T + 60_000, 3), submit(T, 5, 0, 3),
        submit(T, -1, 0, 3));
    List<Result.ClaimedJob> first = claim(T + 10, "w1", 3);
    assertThat(first).extracting(j -> j.ref().seq()).containsExactly(1L, 3L, 0L);
    assertThat(first).allMatch(j -> j.ref().attempt() == 1 && j.leaseUntil() == T + 10 + LEASE);

    assertThat(claim(T + 20, "w2", 10)).extracting(j -> j.ref().seq())
        .as("the delayed job waits; the rest are taken").containsExactly(4L);
    assertThat(claim(T + 60_000, "w2", 10)).extracting(j -> j.ref().seq()).containsExactly(2L);
    Job running = db.job(0);
    assertThat(running.status()).isEqualTo(JobStatus.InProgress);
    assertThat(running.workerId()).isEqualTo("w1");
    assertThat(running.reason()).isEqualTo("running on w1 (attempt 1)");
  }

  @Test
  void retentionDeletesOnlyJobsThatFinishedBeforeTheCutoffWithTheirEventsAndKeys() throws Exception {
    db.apply(submit(T, 0, 0, 3), submit(T, 0, 0, 3), submit(T, 0, 0, 3),
        new SubmitJob(T, "noop", "{}", null, 0, 0, 3, 60_000, "key-1"));
    List<Result.ClaimedJob> claimed = claim(T, "w", 2);
    db.apply(new CompleteJob(T + 100, "w", claimed.get(0).ref(), "{}"));      // job 0 finishes at T+100
    db.apply(new CancelJob(T + 200, 3, "alice"));                             // job 3 (keyed) at T+200
    db.apply(new CompleteJob(T + 5_000, "w", claimed.get(1).ref(), "{}"));    // job 1 at T+5000

    Result.Purged purged = (Result.Purged) db.one(new PurgeJobs(T + 6_000, T + 1_000, 10));
    assertThat(purged.jobs()).as("finished before T+1000: jobs 0 and 3").isEqualTo(2);
    assertThat(db.store.queries().get(0)).isEmpty();
    assertThat(db.store.queries().get(3)).isEmpty();
    assertThat(db.store.queries().events(0)).isEmpty();
    assertThat(db.job(1).status()).as("finished after the cutoff").isEqualTo(JobStatus.Completed);
    assertThat(db.job(2).status()).as("never finished").isEqualTo(JobStatus.Pending);
    Map<JobStatus, Long> counts = db.store.queries().counts();
    assertThat(counts.getOrDefault(JobStatus.Completed, 0L)).isEqualTo(1);
    assertThat(counts.getOrDefault(JobStatus.Cancelled, 0L)).isEqualTo(0);
    assertThat(counts.getOrDefault(JobStatus.Pending, 0L)).isEqualTo(1);

    // the deleted job's idempotency key is free again: a new submission gets a new id
    Result.Submitted again = (Result.Submitted) db.one(
        new SubmitJob(T + 7_000, "noop", "{}", null, 0, 0, 3, 60_000, "key-1"));
    assertThat(again.duplicate()).isFalse();
    assertThat(again.seq()).as("ids are never reused").isEqualTo(4);

    // at most max per command, oldest first
    db.apply(new CancelJob(T + 8_000, 2, "alice"), new CancelJob(T + 8_001, 4, "alice"));
    assertThat(((Result.Purged) db.one(new PurgeJobs(T + 9_000, T + 9_000, 2))).jobs()).isEqualTo(2);
    assertThat(db.store.queries().get(1)).as("the oldest finished (T+5000) went first").isEmpty();
    assertThat(db.store.queries().get(2)).isEmpty();
    assertThat(db.job(4).status()).isEqualTo(JobStatus.Cancelled);
  }

  @Test
  void aStaleTokenIsRefusedAfterTheLeaseRanOutAndAnotherWorkerTookTheJob() throws Exception {
    db.apply(submit(T, 0, 0, 3));
    JobRef first = claim(T, "w1", 1).get(0).ref();
    Result.Expired expired = (Result.Expired) db.one(new ExpireLeases(T + LEASE + 1, T));
    assertThat(expired.jobs()).isEqualTo(1);
    Job back = db.job(0);
    assertThat(back.status()).isEqualTo(JobStatus.Pending);
    assertThat(back.failures()).isEqualTo(1);
    assertThat(back.reason()).contains("w1 stopped renewing its lease", "1 of 3 failures used");

    JobRef second = claim(T + LEASE + 2, "w2", 1).get(0).ref();
    assertThat(second.attempt()).isEqualTo(2);

    Result late = db.one(new CompleteJob(T + LEASE + 3, "w1", first, "{\"late\":true}"));
    assertThat(late).isInstanceOfSatisfying(Result.Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(Result.Reason.STALE_CLAIM);
      assertThat(r.message()).contains("claim 1 of job-0 by w1 is stale", "attempt 2 runs on w2");
    });
    Result beat = db.one(new Heartbeat(T + LEASE + 3, "w1", "remote", 0, 4, LEASE, List.of(first)));
    assertThat(((Result.Stale) beat).jobs()).containsExactly(first);

    assertThat(db.one(new CompleteJob(T + LEASE + 4, "w2", second, "{\"ok\":1}")))
        .isEqualTo(new Result.Done(JobStatus.Completed));
    Job done = db.job(0);
    assertThat(done.output()).isEqualTo("{\"ok\":1}");
    assertThat(done.reason()).startsWith("completed in");
  }

  /** The completion's reason is worded in SQL (no row read first); it must read as Reasons words it. */
  @Test
  void aCompletionsReasonReadsAsReasonsWordsIt() throws Exception {
    long[] tookMs = {0, 12, 999, 1_000, 1_234, 1_999, 61_000, 123_456_789, -5};
    for (long took : tookMs) {
      db.apply(submit(T, 0, 0, 3));
      JobRef ref = claim(T, "w", 1).get(0).ref();
      assertThat(db.one(new CompleteJob(T + took, "w", ref, "{}"))).isEqualTo(new Result.Done(JobStatus.Completed));
      assertThat(db.job(ref.seq()).reason()).as("took %d ms", took).isEqualTo(Reasons.completed(took));
    }
  }

  /**
   * A claimed batch is updated by one statement that words the reason in SQL, and its events are
   * copied from the updated rows: each job must read as Reasons words it, with one InProgress event.
   */
  @Test
  void aClaimedBatchReadsAsReasonsWordsItWithOneEventPerJob() throws Exception {
    db.apply(submit(T, 0, 0, 3), submit(T, 0, 0, 3), submit(T, 0, 0, 3), submit(T, 0, 0, 3));
    JobRef earlier = claim(T + 1, "w", 1).get(0).ref();
    db.apply(new ReleaseJob(T + 2, "w", earlier, "stopping"));
    String worker = "node-2 'quoted' wörker";
    List<Result.ClaimedJob> batch = claim(T + 3, worker, 10);
    assertThat(batch).as("by run_at: job-0 went back at T+2").extracting(j -> j.ref().seq())
        .containsExactly(1L, 2L, 3L, 0L);
    for (Result.ClaimedJob j : batch) {
      long seq = j.ref().seq();
      int attempt = seq == earlier.seq() ? 2 : 1;
      assertThat(j.ref().attempt()).isEqualTo(attempt);
      Job job = db.job(seq);
      assertThat(job.status()).isEqualTo(JobStatus.InProgress);
      assertThat(job.attempt()).isEqualTo(attempt);
      assertThat(job.workerId()).isEqualTo(worker);
      assertThat(job.leaseUntil()).isEqualTo(T + 3 + LEASE);
      assertThat(job.startedAt()).isEqualTo(T + 3);
      assertThat(job.reason()).isEqualTo(Reasons.claimed(worker, attempt));
      List<JobEvent> events = db.store.queries().events(seq);
      assertThat(events.get(events.size() - 1))
          .isEqualTo(new JobEvent(T + 3, JobStatus.InProgress, attempt, Reasons.claimed(worker, attempt),
              db.job(seq).moduleSha256()));
      assertThat(events).hasSize(seq == earlier.seq() ? 4 : 2); // Pending[, InProgress, Pending], InProgress
    }
    assertThat(claim(T + 4, worker, 10)).as("nothing left to claim").isEmpty();
  }

  @Test
  void retryableFailuresBackOffUntilAttemptsRunOut() throws Exception {
    db.apply(submit(T, 0, 0, 2));
    JobRef a1 = claim(T, "w", 1).get(0).ref();
    assertThat(db.one(new FailJob(T + 5, "w", a1, "HTTP 503", true, T + 1_000, null)))
        .isEqualTo(new Result.Done(JobStatus.Retrying));
    assertThat(db.job(0).runAt()).isEqualTo(T + 1_000);
    assertThat(db.job(0).reason()).contains("attempt 1 failed: HTTP 503", "1 of 2 failures used");
    assertThat(claim(T + 999, "w", 1)).as("still backing off").isEmpty();

    JobRef a2 = claim(T + 1_000, "w", 1).get(0).ref();
    assertThat(a2.attempt()).isEqualTo(2);
    assertThat(db.one(new FailJob(T + 1_010, "w", a2, "HTTP 503 again", true, T + 3_000, null)))
        .isEqualTo(new Result.Done(JobStatus.Failed));
    Job failed = db.job(0);
    assertThat(failed.error()).isEqualTo("HTTP 503 again");
    assertThat(failed.finishedAt()).isEqualTo(T + 1_010);
    assertThat(failed.reason()).isEqualTo("failed after 2 failures; last: HTTP 503 again");
  }

  @Test
  void aNonRetryableFailureEndsTheJobAtOnce() throws Exception {
    db.apply(submit(T, 0, 0, 5));
    JobRef a = claim(T, "w", 1).get(0).ref();
    assertThat(db.one(new FailJob(T + 1, "w", a, "trap: unreachable", false, 0, null)))
        .isEqualTo(new Result.Done(JobStatus.Failed));
    assertThat(db.job(0).reason()).contains("not retryable: trap: unreachable");
  }

  @Test
  void aHandedBackJobKeepsItsFailuresButNeverReusesAToken() throws Exception {
    db.apply(submit(T, 0, 0, 1));
    JobRef a = claim(T, "w1", 1).get(0).ref();
    assertThat(db.one(new ReleaseJob(T + 1, "w1", a, "shutting down")))
        .isEqualTo(new Result.Done(JobStatus.Pending));
    assertThat(db.job(0).failures()).isZero();
    JobRef b = claim(T + 2, "w2", 1).get(0).ref();
    assertThat(b.attempt()).isEqualTo(2);
    assertThat(db.one(new CompleteJob(T + 3, "w1", new JobRef(0, 1), "{}")))
        .isInstanceOf(Result.Rejected.class);
  }

  @Test
  void cancellingARunningJobMakesTheWorkersClaimStale() throws Exception {
    db.apply(submit(T, 0, 0, 3), submit(T, 0, 0, 3));
    JobRef running = claim(T, "w", 1).get(0).ref();
    assertThat(db.one(new CancelJob(T + 1, 0, "alice"))).isEqualTo(new Result.Done(JobStatus.Cancelled));
    assertThat(db.one(new CancelJob(T + 1, 1, "bob"))).isEqualTo(new Result.Done(JobStatus.Cancelled));
    assertThat(db.job(0).reason()).isEqualTo("cancelled by alice while InProgress");

    Result beat = db.one(new Heartbeat(T + 2, "w", "node", 1, 2, LEASE, List.of(running)));
    assertThat(((Result.Stale) beat).jobs()).containsExactly(running);
    assertThat(db.one(new CompleteJob(T + 3, "w", running, "{}"))).isInstanceOf(Result.Rejected.class);
    assertThat(db.one(new CancelJob(T + 4, 0, "carol"))).isInstanceOfSatisfying(Result.Rejected.class,
        r -> assertThat(r.message()).isEqualTo("job-0 is already Cancelled, a final state"));
    assertThat(db.one(new CancelJob(T + 4, 99, "carol"))).isInstanceOfSatisfying(Result.Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(Result.Reason.UNKNOWN_JOB));
    assertThat(claim(T + 5, "w", 10)).isEmpty();
  }

  @Test
  void heartbeatsRenewLeasesProgressIsKeptAndSilentWorkersDie() throws Exception {
    db.apply(submit(T, 0, 0, 1));
    JobRef a = claim(T, "w", 1).get(0).ref();
    db.one(new Heartbeat(T + 2_000, "w", "node", 1, 4, LEASE, List.of(a)));
    db.one(new ReportProgress(T + 2_100, "w", List.of(new ReportProgress.Item(a, 40, "fetched", List.of()))));
    assertThat(((Result.Expired) db.one(new ExpireLeases(T + LEASE + 1, T))).jobs())
        .as("renewed lease still runs").isZero();
    Job j = db.job(0);
    assertThat(j.leaseUntil()).isEqualTo(T + 2_000 + LEASE);
    assertThat(j.progress()).isEqualTo(40);
    assertThat(j.progressMessage()).isEqualTo("fetched");

    Result.Expired e = (Result.Expired) db.one(new ExpireLeases(T + 2_000 + LEASE + 1, T + 2_001));
    assertThat(e).isEqualTo(new Result.Expired(1, 1));
    assertThat(db.job(0).status()).as("no failures left").isEqualTo(JobStatus.Failed);
    assertThat(db.job(0).reason()).contains("no attempts left after 1 failures");
  }

  @Test
  void countersAlwaysMatchTheRowsAndEveryTransitionIsAllowed() throws Exception {
    Random r = new Random(3);
    long t = T;
    List<JobRef> claims = new ArrayList<>();
    int jobs = 0;
    for (int step = 0; step < 600; step++) {
      t += r.nextInt(400);
      String worker = "w" + r.nextInt(3);
      JobRef some = claims.isEmpty() ? null : claims.get(r.nextInt(claims.size()));
      switch (r.nextInt(8)) {
        case 0, 1 -> {
          db.one(submit(t, r.nextInt(3), r.nextBoolean() ? 0 : t + r.nextInt(2_000), 1 + r.nextInt(3)));
          jobs++;
        }
        case 2 -> claim(t, worker, 1 + r.nextInt(3)).forEach(c -> claims.add(c.ref()));
        case 3 -> db.apply(some == null ? new ExpireLeases(t, 0) : new CompleteJob(t, worker, some, "{}"));
        case 4 -> db.apply(some == null ? new ExpireLeases(t, 0)
            : new FailJob(t, worker, some, "boom", r.nextBoolean(), t + 500, null));
        case 5 -> db.one(new ExpireLeases(t, t - 5_000));
        case 6 -> db.one(new CancelJob(t, r.nextInt(jobs + 1), "test"));
        default -> db.apply(some == null ? new ExpireLeases(t, 0) : new ReleaseJob(t, worker, some, "test"));
      }
      if (step % 50 == 0 || step == 599) {
        Map<String, Long> counted = db.countedByStatus();
        db.store.queries().counts().forEach((status, n) ->
            assertThat(counted.getOrDefault(status.name(), 0L)).as(status.name()).isEqualTo(n));
      }
    }
    assertThat(db.countedByStatus()).as("the run reached several states").hasSizeGreaterThan(3);
    for (long seq = 0; seq < jobs; seq++) {
      List<JobEvent> events = db.store.queries().events(seq);
      for (int i = 1; i < events.size(); i++) {
        assertThat(events.get(i - 1).status().canBecome(events.get(i).status()))
            .as("job-%d: %s -> %s", seq, events.get(i - 1).status(), events.get(i).status()).isTrue();
      }
      assertThat(events.get(events.size() - 1).status()).isEqualTo(db.job(seq).status());
    }
  }
}
