package io.mvmci.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.command.ClaimJobs;
import io.mvmci.command.CompleteJob;
import io.mvmci.command.Result;
import io.mvmci.command.SubmitJob;
import io.mvmci.job.JobStatus;
import io.mvmci.testing.StoreFixture;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reads whose statements the read pool keeps prepared ({@link ReadPool#statement}): every read
 * after a write sees the write, on every connection, and a kept statement holds no read transaction
 * between reads (one left open would pin its snapshot and keep a checkpoint from emptying the WAL).
 */
class CachedReadsTest {
  static final long T = 1_700_000_000_000L;
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

  @Test
  void aJobReadAgainAfterEachWriteShowsThatWrite() throws Exception {
    JobQueries q = db.store.queries();
    for (int i = 0; i < 4; i++) {
      assertThat(q.get(0)).as("before the submission, read %d", i).isEmpty();
    }
    db.apply(new SubmitJob(T, "noop", "{}", null, 0, T + 5_000, 3, 60_000, null));
    for (int i = 0; i < 4; i++) {
      assertThat(q.get(0)).as("read %d, on either connection", i).get()
          .extracting(j -> j.status()).isEqualTo(JobStatus.Pending);
      assertThat(q.nextRunAt()).isEqualTo(T + 5_000);
    }
    Result.Claimed claimed = (Result.Claimed) db.one(new ClaimJobs(T + 5_000, "w", 1, 3_000));
    for (int i = 0; i < 4; i++) {
      assertThat(q.get(0).orElseThrow().status()).as("read %d after the claim", i).isEqualTo(JobStatus.InProgress);
      assertThat(q.nextRunAt()).as("nothing runnable").isNull();
    }
    db.apply(new CompleteJob(T + 6_000, "w", claimed.jobs().get(0).ref(), "{\"ok\":true}"));
    for (int i = 0; i < 4; i++) {
      assertThat(q.get(0).orElseThrow().status()).as("read %d after completion", i).isEqualTo(JobStatus.Completed);
    }
    // The store's own checkpointer may be checkpointing at that moment, which makes this one busy
    // too; a kept statement's open snapshot would make every attempt busy.
    org.awaitility.Awaitility.await("a checkpoint not blocked by a reader's open snapshot")
        .atMost(java.time.Duration.ofSeconds(5)).pollInterval(java.time.Duration.ofMillis(50)).until(() -> {
          try (Statement st = db.store.writer().createStatement();
               ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            return rs.getInt(1) == 0;
          }
        });
  }

  @Test
  void concurrentReadersShareNoStatement() throws Exception {
    for (int i = 0; i < 50; i++) {
      db.apply(new SubmitJob(T, "noop", "{\"n\":" + i + "}", null, 0, 0, 3, 60_000, null));
    }
    JobQueries q = db.store.queries();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> mismatches = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Callable<Integer> reader = () -> {
          int wrong = 0;
          for (int r = 0; r < 2_000; r++) {
            long seq = r % 50;
            if (!q.get(seq).orElseThrow().input().equals("{\"n\":" + seq + "}")) {
              wrong++;
            }
          }
          return wrong;
        };
        mismatches.add(pool.submit(reader));
      }
      for (Future<Integer> f : mismatches) {
        assertThat(f.get()).as("rows read for another job's id").isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
