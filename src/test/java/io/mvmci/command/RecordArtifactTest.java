package io.mvmci.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.store.ArtifactQueries;
import io.mvmci.testing.StoreFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artifact metadata in apply: a row per (job, name); the same bytes again are a duplicate; other
 * bytes replace the name; the per-job caps stamped in the command are kept; rows go with their job.
 */
class RecordArtifactTest {
  static final long T = 1_700_000_000_000L;
  static final String A = "a".repeat(64);
  static final String B = "b".repeat(64);

  @TempDir Path dir;

  @Test
  void recordsReplacesAndKeepsTheCaps() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      db.one(new SubmitJob(T, "noop", "{}", null, 0, 0, 1, 60_000, null));
      assertThat(db.one(new RecordArtifact(T + 1, 0, "out.tar", 10, A, "nodes:1,2", 100, 2)))
          .isEqualTo(new Result.Ack());
      assertThat(db.one(new RecordArtifact(T + 2, 0, "out.tar", 10, A, "nodes:3", 100, 2)))
          .as("a replay's same bytes").isEqualTo(new Result.Ack());
      assertThat(artifacts(db)).containsExactly(new ArtifactQueries.Row(0, "out.tar", 10, A, "nodes:1,2", T + 1));

      assertThat(db.one(new RecordArtifact(T + 3, 0, "out.tar", 90, B, "nodes:1,2,3", 100, 2)))
          .as("other bytes under the name replace it, within the byte cap").isEqualTo(new Result.Ack());
      assertThat(artifacts(db)).containsExactly(new ArtifactQueries.Row(0, "out.tar", 90, B, "nodes:1,2,3", T + 3));

      Result tooBig = db.one(new RecordArtifact(T + 4, 0, "log.txt", 11, A, "nodes:1", 100, 2));
      assertThat(tooBig).isInstanceOf(Result.Rejected.class);
      assertThat(((Result.Rejected) tooBig).reason()).isEqualTo(Result.Reason.LIMIT);
      assertThat(((Result.Rejected) tooBig).message()).contains("max_job_bytes = 100");
      db.one(new RecordArtifact(T + 5, 0, "log.txt", 10, A, "nodes:1", 100, 2));
      Result tooMany = db.one(new RecordArtifact(T + 6, 0, "third", 0, A, "nodes:1", 100, 2));
      assertThat(((Result.Rejected) tooMany).message()).contains("max_per_job = 2");
      assertThat(artifacts(db)).extracting(ArtifactQueries.Row::name).containsExactly("log.txt", "out.tar");
      assertThat(db.store.queries().artifacts().referenced(A)).isTrue();

      Result unknown = db.one(new RecordArtifact(T + 7, 99, "x", 1, A, "nodes:1", 100, 2));
      assertThat(((Result.Rejected) unknown).reason()).isEqualTo(Result.Reason.UNKNOWN_JOB);
    }
  }

  @Test
  void retentionDeletesAJobsArtifactRows() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("p.sqlite"))) {
      db.one(new SubmitJob(T, "noop", "{}", null, 0, 0, 1, 60_000, null));
      db.one(new CancelJob(T + 1, 0, "alice"));
      db.one(new RecordArtifact(T + 2, 0, "report.html", 5, A, "nodes:1", 100, 10));
      assertThat(db.one(new PurgeJobs(T + 10, T + 5, 10))).isEqualTo(new Result.Purged(1));
      assertThat(artifacts(db)).isEmpty();
      assertThat(db.store.queries().artifacts().referenced(A)).isFalse();
    }
  }

  private static List<ArtifactQueries.Row> artifacts(StoreFixture db) throws Exception {
    return db.store.queries().artifacts().list(0);
  }
}
