package io.mvmci.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.command.Result.Fired.Outcome;
import io.mvmci.job.Job;
import io.mvmci.job.JobStatus;
import io.mvmci.store.ScheduleQueries;
import io.mvmci.testing.StoreFixture;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedules as apply runs them, on a real database: a fire is a compare-and-set of next_fire_at (the
 * same fire twice, or a stale one, submits nothing), overlap is decided from the last job's replicated
 * state, a queued job waits for its predecessor and wakes when it ends, and the counters stay exact.
 */
class ScheduleCommandsTest {
  static final long T = 1_700_000_000_000L;
  static final long MINUTE = 60_000;
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

  static ScheduleSpec spec(ScheduleSpec.Overlap overlap) {
    return new ScheduleSpec("0 * * * * *", "UTC", "noop", "{\"n\":1}", null, 2, 3, 60_000, null, overlap,
        ScheduleSpec.CatchUp.NONE);
  }

  void create(String id, ScheduleSpec.Overlap overlap, long first) throws Exception {
    assertThat(db.one(PutSchedule.define(T, id, true, spec(overlap), false, first))).isEqualTo(new Result.Saved(true, 1));
  }

  static FireSchedule fire(String id, long due, long next) {
    return new FireSchedule(due + 150, id, FireSchedule.Kind.SCHEDULED, due, due, next, 0);
  }

  ScheduleQueries.Schedule schedule(String id) throws Exception {
    return db.store.queries().schedules().get(id).orElseThrow();
  }

  List<ScheduleQueries.Fire> fires(String id) throws Exception {
    return db.store.queries().schedules().fires(id, 100);
  }

  JobRef claim(long at) throws Exception {
    return ((Result.Claimed) db.one(new ClaimJobs(at, "w", 1, 60_000))).jobs().get(0).ref();
  }

  void countersAreExact() throws Exception {
    java.util.Map<String, Long> counted = db.countedByStatus();
    db.store.queries().counts().forEach((status, n) ->
        assertThat(n).as(status.name()).isEqualTo(counted.getOrDefault(status.name(), 0L)));
  }

  @Test
  void aFireAppliedTwiceForTheSameTimeSubmitsOneJobUnderItsKey() throws Exception {
    create("nightly", ScheduleSpec.Overlap.ALLOW, T + MINUTE);
    FireSchedule first = fire("nightly", T + MINUTE, T + 2 * MINUTE);

    assertThat(db.one(first)).isEqualTo(new Result.Fired(Outcome.SUBMITTED, 0));
    assertThat(db.one(first)).as("the same fire again: another leader's, or a retry")
        .isEqualTo(new Result.Fired(Outcome.NOT_DUE, -1));
    List<Result> sameEntry = db.apply(fire("nightly", T + 2 * MINUTE, T + 3 * MINUTE),
        fire("nightly", T + 2 * MINUTE, T + 3 * MINUTE));
    assertThat(sameEntry).containsExactly(new Result.Fired(Outcome.SUBMITTED, 1),
        new Result.Fired(Outcome.NOT_DUE, -1));

    Job job = db.job(0);
    assertThat(job.idempotencyKey()).isEqualTo("schedule:nightly:" + Instant.ofEpochMilli(T + MINUTE));
    assertThat(job.status()).isEqualTo(JobStatus.Pending);
    assertThat(job.workflow()).isEqualTo("noop");
    assertThat(job.input()).isEqualTo("{\"n\":1}");
    assertThat(job.priority()).isEqualTo(2);
    assertThat(job.createdAt()).as("the leader's stamp").isEqualTo(T + MINUTE + 150);
    assertThat(db.store.queries().get(2)).as("no third job").isEmpty();
    ScheduleQueries.Schedule s = schedule("nightly");
    assertThat(s.nextFireAt()).isEqualTo(T + 3 * MINUTE);
    assertThat(s.lastFireAt()).isEqualTo(T + 2 * MINUTE);
    assertThat(s.lastJobSeq()).isEqualTo(1L);
    assertThat(s.submitted()).isEqualTo(2);
    assertThat(fires("nightly")).extracting(ScheduleQueries.Fire::outcome).containsExactly("submitted", "submitted");
    countersAreExact();
  }

  @Test
  void aStaleFireTimeIsANoOpAndAKnownKeyIsADuplicate() throws Exception {
    create("s", ScheduleSpec.Overlap.ALLOW, T + MINUTE);
    assertThat(db.one(fire("s", T, T + MINUTE))).isEqualTo(new Result.Fired(Outcome.NOT_DUE, -1));
    assertThat(db.one(fire("s", T + 2 * MINUTE, T + 3 * MINUTE))).isEqualTo(new Result.Fired(Outcome.NOT_DUE, -1));
    assertThat(schedule("s").nextFireAt()).isEqualTo(T + MINUTE);
    assertThat(fires("s")).as("a no-op records nothing").isEmpty();

    // a key already taken (the schedule deleted and created again, a clock behind): the job is answered, none added
    db.one(new SubmitJob(T, "noop", "{}", null, 0, 0, 1, 60_000, FireSchedule.jobKey("s", FireSchedule.Kind.SCHEDULED,
        T + MINUTE)));
    assertThat(db.one(fire("s", T + MINUTE, T + 2 * MINUTE))).isEqualTo(new Result.Fired(Outcome.DUPLICATE, 0));
    assertThat(schedule("s").nextFireAt()).isEqualTo(T + 2 * MINUTE);
    assertThat(schedule("s").submitted()).isZero();
    assertThat(db.store.queries().get(1)).isEmpty();
  }

  @Test
  void skipSubmitsNothingWhileTheLastJobRunsAndRecordsIt() throws Exception {
    create("s", ScheduleSpec.Overlap.SKIP, T + MINUTE);
    assertThat(db.one(fire("s", T + MINUTE, T + 2 * MINUTE))).isEqualTo(new Result.Fired(Outcome.SUBMITTED, 0));
    JobRef running = claim(T + MINUTE + 200);

    assertThat(db.one(fire("s", T + 2 * MINUTE, T + 3 * MINUTE))).isEqualTo(new Result.Fired(Outcome.SKIPPED, -1));
    ScheduleQueries.Schedule s = schedule("s");
    assertThat(s.nextFireAt()).as("moves on all the same").isEqualTo(T + 3 * MINUTE);
    assertThat(s.skipped()).isEqualTo(1);
    assertThat(s.lastJobSeq()).isEqualTo(0L);
    assertThat(fires("s").get(0).detail()).isEqualTo("job-0 was InProgress");

    db.one(new CompleteJob(T + 2 * MINUTE + 500, "w", running, "{}"));
    assertThat(db.one(fire("s", T + 3 * MINUTE, T + 4 * MINUTE))).isEqualTo(new Result.Fired(Outcome.SUBMITTED, 1));
    countersAreExact();
  }

  @Test
  void allowSubmitsBesideTheRunningJob() throws Exception {
    create("s", ScheduleSpec.Overlap.ALLOW, T + MINUTE);
    db.one(fire("s", T + MINUTE, T + 2 * MINUTE));
    claim(T + MINUTE + 200);
    assertThat(db.one(fire("s", T + 2 * MINUTE, T + 3 * MINUTE))).isEqualTo(new Result.Fired(Outcome.SUBMITTED, 1));
    assertThat(db.job(1).status()).isEqualTo(JobStatus.Pending);
  }

  @Test
  void queueMakesTheNextJobWaitForThePreviousOneAndItWakesWhenThatOneEnds() throws Exception {
    create("q", ScheduleSpec.Overlap.QUEUE, T + MINUTE);
    // a job that ends before any run waits: apply's "any job waits?" flag is read as false and kept
    db.one(new SubmitJob(T, "noop", "{}", null, 0, 0, 1, 60_000, null));
    db.one(new CompleteJob(T + 10, "w", claim(T + 5), "{}"));

    assertThat(db.one(fire("q", T + MINUTE, T + 2 * MINUTE))).isEqualTo(new Result.Fired(Outcome.SUBMITTED, 1));
    JobRef first = claim(T + MINUTE + 200);
    assertThat(db.one(fire("q", T + 2 * MINUTE, T + 3 * MINUTE))).isEqualTo(new Result.Fired(Outcome.QUEUED, 2));
    assertThat(db.one(fire("q", T + 3 * MINUTE, T + 4 * MINUTE))).isEqualTo(new Result.Fired(Outcome.QUEUED, 3));

    Job second = db.job(2);
    assertThat(second.status()).isEqualTo(JobStatus.Waiting);
    assertThat(second.waitingFor()).isEqualTo("job:1");
    assertThat(second.reason()).isEqualTo("submitted; waiting for job-1 to finish");
    assertThat(db.job(3).waitingFor()).as("each waits for the one before").isEqualTo("job:2");
    assertThat(((Result.Claimed) db.one(new ClaimJobs(T + 3 * MINUTE, "w2", 5, 60_000))).jobs())
        .as("a waiting job is not claimable").isEmpty();
    assertThat(schedule("q").submitted()).isEqualTo(3);
    assertThat(fires("q").get(0).detail()).isEqualTo("after job-2 (Waiting)");
    countersAreExact();

    db.one(new CompleteJob(T + 3 * MINUTE + 500, "w", first, "{}"));
    assertThat(db.job(2).status()).as("woken when job-1 ended").isEqualTo(JobStatus.Pending);
    assertThat(db.job(2).reason()).isEqualTo("woken: job-1 finished; waiting for a worker");
    assertThat(db.job(3).status()).isEqualTo(JobStatus.Waiting);
    JobRef second2 = claim(T + 3 * MINUTE + 600);
    assertThat(second2.seq()).isEqualTo(2);
    db.one(new FailJob(T + 3 * MINUTE + 700, "w", second2, "boom", false, 0, null));
    assertThat(db.job(3).status()).as("a failed predecessor has finished too").isEqualTo(JobStatus.Pending);
    countersAreExact();

    db.one(new CompleteJob(T + 4 * MINUTE, "w", claim(T + 3 * MINUTE + 800), "{}"));
    assertThat(db.one(fire("q", T + 4 * MINUTE, T + 5 * MINUTE))).as("the last job finished: Pending at once")
        .isEqualTo(new Result.Fired(Outcome.SUBMITTED, 4));
    assertThat(db.job(4).status()).isEqualTo(JobStatus.Pending);
    assertThat(db.job(4).waitingFor()).isNull();
  }

  @Test
  void aQueuedJobWaitingForACancelledOneWakesAndCancellingTheQueuedOneWorks() throws Exception {
    create("q", ScheduleSpec.Overlap.QUEUE, T + MINUTE);
    db.one(fire("q", T + MINUTE, T + 2 * MINUTE));
    db.one(fire("q", T + 2 * MINUTE, T + 3 * MINUTE));
    db.one(fire("q", T + 3 * MINUTE, T + 4 * MINUTE));
    assertThat(db.job(1).status()).isEqualTo(JobStatus.Waiting);
    db.one(new CancelJob(T + 3 * MINUTE, 1, "alice"));
    assertThat(db.job(2).status()).as("its predecessor, cancelled, has finished").isEqualTo(JobStatus.Pending);
    db.one(new CancelJob(T + 3 * MINUTE + 1, 0, "alice"));
    assertThat(db.job(2).status()).isEqualTo(JobStatus.Pending);
    countersAreExact();
  }

  @Test
  void pausedReplacedAndDeletedSchedulesDoNotFire() throws Exception {
    create("p", ScheduleSpec.Overlap.SKIP, T + MINUTE);
    assertThat(db.one(PutSchedule.define(T, "p", true, spec(ScheduleSpec.Overlap.SKIP), false, T + MINUTE)))
        .as("create of a known id").isInstanceOf(Result.Rejected.class)
        .extracting(r -> ((Result.Rejected) r).reason()).isEqualTo(Result.Reason.CONFLICT);
    assertThat(db.one(PutSchedule.pause(T + 1, "p"))).isEqualTo(new Result.Saved(false, 1));
    assertThat(schedule("p").nextFireAt()).isNull();
    assertThat(db.one(fire("p", T + MINUTE, T + 2 * MINUTE))).isEqualTo(new Result.Fired(Outcome.NOT_DUE, -1));
    assertThat(db.store.queries().schedules().due(T + 10 * MINUTE, 10)).isEmpty();

    assertThat(((Result.Rejected) db.one(PutSchedule.resume(T + 2, "p", T + 2 * MINUTE, 7))).reason())
        .as("resumed from another revision's times").isEqualTo(Result.Reason.CONFLICT);
    assertThat(db.one(PutSchedule.resume(T + 3, "p", T + 2 * MINUTE, 1))).isEqualTo(new Result.Saved(false, 1));
    assertThat(schedule("p").nextFireAt()).isEqualTo(T + 2 * MINUTE);
    assertThat(db.store.queries().schedules().due(T + 2 * MINUTE, 10)).extracting(ScheduleQueries.Due::id)
        .containsExactly("p");

    ScheduleSpec every5 = new ScheduleSpec("0 */5 * * * *", "Europe/Paris", "echo", "{}", null, 0, 1, 1_000, null,
        ScheduleSpec.Overlap.QUEUE, ScheduleSpec.CatchUp.LAST);
    assertThat(db.one(PutSchedule.define(T + 4, "p", false, every5, false, T + 5 * MINUTE)))
        .isEqualTo(new Result.Saved(false, 2));
    assertThat(db.one(fire("p", T + 2 * MINUTE, T + 3 * MINUTE))).as("the old definition's time")
        .isEqualTo(new Result.Fired(Outcome.NOT_DUE, -1));
    ScheduleQueries.Schedule replaced = schedule("p");
    assertThat(replaced.cron()).isEqualTo("0 */5 * * * *");
    assertThat(replaced.timeZone()).isEqualTo("Europe/Paris");
    assertThat(replaced.overlap()).isEqualTo("queue");
    assertThat(replaced.catchUp()).isEqualTo("last");
    assertThat(replaced.revision()).isEqualTo(2);
    assertThat(replaced.createdAt()).isEqualTo(T);
    assertThat(replaced.updatedAt()).isEqualTo(T + 4);

    db.one(fire("p", T + 5 * MINUTE, T + 10 * MINUTE));
    assertThat(fires("p")).hasSize(1);
    assertThat(db.one(new DeleteSchedule(T + 6 * MINUTE, "p"))).isEqualTo(new Result.Ack());
    assertThat(db.store.queries().schedules().get("p")).isEmpty();
    assertThat(fires("p")).as("its history goes with it").isEmpty();
    assertThat(db.job(0).status()).as("its jobs stay").isEqualTo(JobStatus.Pending);
    assertThat(((Result.Rejected) db.one(fire("p", T + 10 * MINUTE, T + 15 * MINUTE))).reason())
        .isEqualTo(Result.Reason.UNKNOWN_SCHEDULE);
    assertThat(((Result.Rejected) db.one(new DeleteSchedule(T, "p"))).reason()).isEqualTo(Result.Reason.UNKNOWN_SCHEDULE);
    assertThat(((Result.Rejected) db.one(PutSchedule.pause(T, "p"))).reason()).isEqualTo(Result.Reason.UNKNOWN_SCHEDULE);
    assertThat(((Result.Rejected) db.one(PutSchedule.define(T, "Bad Id", false, every5, false, T))).reason())
        .isEqualTo(Result.Reason.INVALID);
  }

  @Test
  void missedCatchUpAndManualFires() throws Exception {
    create("m", ScheduleSpec.Overlap.SKIP, T + MINUTE);
    assertThat(db.one(new FireSchedule(T + 10 * MINUTE, "m", FireSchedule.Kind.MISSED, T + MINUTE, T + MINUTE,
        T + 10 * MINUTE, 8))).isEqualTo(new Result.Fired(Outcome.MISSED, -1));
    ScheduleQueries.Schedule s = schedule("m");
    assertThat(s.missed()).isEqualTo(8);
    assertThat(s.lastFireAt()).as("a missed fire is not a fire").isNull();
    assertThat(s.nextFireAt()).isEqualTo(T + 10 * MINUTE);
    assertThat(fires("m").get(0).detail()).isEqualTo("8 fire times passed while no leader fired them");

    assertThat(db.one(new FireSchedule(T + 20 * MINUTE, "m", FireSchedule.Kind.CATCH_UP, T + 10 * MINUTE,
        T + 18 * MINUTE, T + 21 * MINUTE, 8))).isEqualTo(new Result.Fired(Outcome.SUBMITTED, 0));
    assertThat(db.job(0).idempotencyKey()).isEqualTo("schedule:m:" + Instant.ofEpochMilli(T + 18 * MINUTE));
    assertThat(schedule("m").missed()).isEqualTo(16);
    assertThat(fires("m").get(0).kind()).isEqualTo("catch-up");

    FireSchedule manual = new FireSchedule(T + 20 * MINUTE + 5, "m", FireSchedule.Kind.MANUAL, -1, T + 20 * MINUTE + 5,
        -1, 0);
    assertThat(db.one(manual)).as("overlap skip applies to a trigger too").isEqualTo(new Result.Fired(Outcome.SKIPPED, -1));
    db.one(new CancelJob(T + 20 * MINUTE + 6, 0, "alice"));
    assertThat(db.one(manual)).isEqualTo(new Result.Fired(Outcome.SUBMITTED, 1));
    assertThat(db.job(1).idempotencyKey()).startsWith("schedule:m:manual:");
    assertThat(db.one(manual)).as("the same trigger again").isEqualTo(new Result.Fired(Outcome.DUPLICATE, 1));
    assertThat(schedule("m").nextFireAt()).as("a trigger does not move the schedule").isEqualTo(T + 21 * MINUTE);
  }

  @Test
  void aJobThatCannotBeSubmittedIsRecordedAndTheScheduleGoesOn() throws Exception {
    ScheduleSpec pinned = new ScheduleSpec("0 * * * * *", "UTC", "noop", "{}", null, 0, 1, 1_000, "00".repeat(32),
        ScheduleSpec.Overlap.ALLOW, ScheduleSpec.CatchUp.NONE);
    db.one(PutSchedule.define(T, "pinned", true, pinned, false, T + MINUTE));
    assertThat(db.one(fire("pinned", T + MINUTE, T + 2 * MINUTE))).isEqualTo(new Result.Fired(Outcome.FAILED, -1));
    assertThat(schedule("pinned").nextFireAt()).isEqualTo(T + 2 * MINUTE);
    assertThat(fires("pinned").get(0).detail()).contains("is deployed");
  }

  @Test
  void theHistoryKeepsTheLastHundredFiresOfEachSchedule() throws Exception {
    create("h", ScheduleSpec.Overlap.ALLOW, T);
    create("other", ScheduleSpec.Overlap.ALLOW, T);
    db.one(fire("other", T, T + 1));
    for (int i = 0; i < 130; i++) {
      db.one(new FireSchedule(T + i, "h", FireSchedule.Kind.MISSED, T + i, T + i, T + i + 1, 1));
    }
    List<ScheduleQueries.Fire> kept = fires("h");
    assertThat(kept).hasSize(ScheduleRows.HISTORY);
    assertThat(kept.get(0).fireTime()).as("newest first").isEqualTo(T + 129);
    assertThat(kept.get(kept.size() - 1).fireTime()).isEqualTo(T + 30);
    assertThat(fires("other")).hasSize(1);
    assertThat(schedule("h").missed()).isEqualTo(130);
  }
}
