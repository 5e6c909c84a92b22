package io.mvmci.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.command.ClaimJobs;
import io.mvmci.command.Command;
import io.mvmci.command.CompleteJob;
import io.mvmci.command.JobRef;
import io.mvmci.command.ReportProgress;
import io.mvmci.command.Result;
import io.mvmci.command.SubmitJob;
import io.mvmci.job.Job;
import io.mvmci.job.LogLine;
import io.mvmci.replication.ApplyListeners;
import io.mvmci.store.JobReads;
import io.mvmci.testing.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feed over a real queue database, fed as the apply thread feeds it: live changes, resumption
 * from the ring or by time or with a resync, log followers, and dropping a stream that cannot keep up.
 */
class JobFeedTest {
  static final long T = 1_700_000_000_000L;
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  StoreFixture db;
  ApplyListeners listeners;
  JobFeed feed;

  /** A sink that keeps what it is sent, as text; it can refuse everything, as a slow client's would. */
  static final class Collected implements Sink {
    private final StringBuilder text = new StringBuilder();
    volatile boolean refuse;
    volatile boolean closed;

    @Override
    public synchronized boolean send(byte[] chunk) {
      if (closed || refuse) {
        closed = true;
        return false;
      }
      text.append(new String(chunk, StandardCharsets.UTF_8));
      return true;
    }

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public boolean closed() {
      return closed;
    }

    synchronized String text() {
      return text.toString();
    }
  }

  @BeforeEach
  void open() throws Exception {
    db = StoreFixture.seeded(dir.resolve("q.sqlite"));
    listeners = new ApplyListeners();
    feed = new JobFeed(() -> db.store.queries(), new JobFeed.Renderer() {
      @Override
      public byte[] job(Job j) {
        return ("{\"job_id\":\"" + j.id() + "\",\"status\":\"" + j.status() + "\"}").getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public byte[] line(Job j, LogLine l) {
        return ("{\"line\":\"" + l.message() + "\"}").getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public byte[] end(Job j) {
        return ("{\"end\":\"" + j.status() + "\"}").getBytes(StandardCharsets.UTF_8);
      }
    });
    listeners.add(feed);
  }

  @AfterEach
  void close() throws Exception {
    feed.close();
    db.close();
  }

  /** Applies one entry and announces it, as the state machine does. */
  List<Result> apply(Command... batch) throws Exception {
    List<Result> results = db.apply(batch);
    listeners.applied(db.processor.appliedIndex(), List.of(batch), results);
    return results;
  }

  static SubmitJob submit(long at) {
    return new SubmitJob(at, "noop", "{}", null, 0, at, 3, 60_000, null);
  }

  @Test
  void aSubscriberHearsChangesAsTheyApplyAndOnlyThoseItsFilterTakes() throws Exception {
    Collected all = new Collected();
    Collected completed = new Collected();
    feed.subscribe(JobReads.Filter.ALL, null, all);
    feed.subscribe(new JobReads.Filter(java.util.Set.of(io.mvmci.job.JobStatus.Completed), null, -1), null, completed);
    await().atMost(WAIT).until(() -> all.text().contains("id: "));
    apply(submit(T));
    await().atMost(WAIT).until(() -> all.text().contains("\"job_id\":\"job-0\",\"status\":\"Pending\""));
    JobRef ref = ((Result.Claimed) apply(new ClaimJobs(T + 1, "w", 1, 60_000)).get(0)).jobs().get(0).ref();
    apply(new CompleteJob(T + 2, "w", ref, "{}"));
    await().atMost(WAIT).until(() -> completed.text().contains("\"status\":\"Completed\""));
    assertThat(completed.text()).doesNotContain("Pending");
    assertThat(all.text()).contains("event: job\n").contains("\"status\":\"Completed\"");
  }

  @Test
  void aResumedStreamCatchesUpFromTheRingElseItIsToldToReload() throws Exception {
    db.apply(submit(T)); // applied before the feed heard of anything: the ring does not hold it
    apply(submit(T + 5));
    long heard = db.processor.appliedIndex();
    apply(submit(T + 6));

    Collected fromRing = new Collected();
    feed.subscribe(JobReads.Filter.ALL, Long.toString(heard), fromRing);
    await().atMost(WAIT).until(() -> fromRing.text().contains("job-2"));
    assertThat(fromRing.text()).as("only what changed after that entry").doesNotContain("job-1");

    Collected beyond = new Collected();
    feed.subscribe(JobReads.Filter.ALL, (heard - 2) + "-" + (T + 5_000), beyond);
    await().atMost(WAIT).until(() -> beyond.text().contains("event: resync"));
    assertThat(beyond.text()).as("no catch-up by time: no index on updated_at").doesNotContain("job-0");

    Collected unknown = new Collected();
    feed.subscribe(JobReads.Filter.ALL, Long.toString(heard - 2), unknown);
    await().atMost(WAIT).until(() -> unknown.text().contains("event: resync"));
  }

  @Test
  void aStreamOfOneJobStartsWithTheJobAsItIs() throws Exception {
    apply(submit(T));
    Collected one = new Collected();
    feed.subscribe(new JobReads.Filter(java.util.Set.of(), null, 0), null, one);
    await().atMost(WAIT).until(() -> one.text().contains("\"job_id\":\"job-0\",\"status\":\"Pending\""));
  }

  @Test
  void aFollowerGetsTheLinesAsTheyApplyThenTheEnd() throws Exception {
    apply(submit(T));
    JobRef ref = ((Result.Claimed) apply(new ClaimJobs(T + 1, "w", 1, 60_000)).get(0)).jobs().get(0).ref();
    apply(new ReportProgress(T + 2, "w", List.of(new ReportProgress.Item(ref, 10, "",
        List.of(new ReportProgress.Line(T + 2, 1, "before"))))));
    Collected follower = new Collected();
    feed.follow(0, -1, follower);
    await().atMost(WAIT).until(() -> follower.text().contains("{\"line\":\"before\"}"));
    apply(new ReportProgress(T + 3, "w", List.of(new ReportProgress.Item(ref, 50, "",
        List.of(new ReportProgress.Line(T + 3, 1, "after"))))));
    await().atMost(WAIT).until(() -> follower.text().contains("{\"line\":\"after\"}"));
    apply(new CompleteJob(T + 4, "w", ref, "{}"));
    await().atMost(WAIT).until(() -> follower.closed && follower.text().contains("event: end"));
    assertThat(follower.text()).containsOnlyOnce("before");
    await().atMost(WAIT).until(() -> feed.listeners() == 0);
  }

  @Test
  void aStreamThatCannotKeepUpIsDroppedAndTheOthersGoOn() throws Exception {
    Collected slow = new Collected();
    Collected fine = new Collected();
    feed.subscribe(JobReads.Filter.ALL, null, slow);
    feed.subscribe(JobReads.Filter.ALL, null, fine);
    await().atMost(WAIT).until(() -> feed.listeners() == 2 && fine.text().contains("id: "));
    slow.refuse = true;
    apply(submit(T));
    await().atMost(WAIT).until(() -> fine.text().contains("job-0"));
    apply(submit(T + 1));
    await().atMost(WAIT).until(() -> feed.listeners() == 1 && fine.text().contains("job-1"));
    feed.close();
    assertThat(fine.closed).as("closing the feed ends every stream").isTrue();
  }
}
