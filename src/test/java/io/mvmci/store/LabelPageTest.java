package io.mvmci.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.command.ClaimJobs;
import io.mvmci.command.Command;
import io.mvmci.command.JobOptions;
import io.mvmci.command.SubmitJob;
import io.mvmci.job.ConcurrencyPolicy;
import io.mvmci.job.Dispatch;
import io.mvmci.job.Job;
import io.mvmci.job.JobStatus;
import io.mvmci.testing.StoreFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs page filtered by label (migration V10, {@link JobReads}), on a real SQLite file fed through
 * the real command processor: read by key through {@code jobs_by_label_set}, one read per matching
 * label set merged in seq order, and the same pages a filter over every job gives.
 */
class LabelPageTest {
  static final long T = 1_700_000_000_000L;
  static final List<List<String>> SETS = List.of(List.of(), List.of("a"), List.of("a", "b"), List.of("b"),
      List.of("c", "a"), List.of("c"));

  @TempDir Path dir;

  static SubmitJob job(long at, String workflow, List<String> labels) {
    return new SubmitJob(at, workflow, "{}", null, 0, 0, 3, 60_000, null,
        JobOptions.NONE.withDispatch(new Dispatch(labels, null, 1, ConcurrencyPolicy.QUEUE)));
  }

  /** The query plan of every read of a page, one line per step. */
  static List<String> plans(StoreFixture db, JobReads.Filter filter, long after, boolean desc) throws Exception {
    List<String> plans = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.file)) {
      for (JobReads.Query q : db.store.queries().reads().reads(c, filter, after, desc, 50)) {
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + q.sql())) {
          for (int i = 0; i < q.args().size(); i++) {
            ps.setObject(i + 1, q.args().get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              plan.append(rs.getString("detail")).append('\n');
            }
          }
        }
        plans.add(plan.toString());
      }
    }
    return plans;
  }

  static JobReads.Filter labels(Set<JobStatus> statuses, String workflow, String... labels) {
    return new JobReads.Filter(statuses, workflow, -1, List.of(labels));
  }

  @Test
  void aLabelFilterReadsEachMatchingSetByKeyNeverTheWholeTable() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      List<Command> submits = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        submits.add(job(T + i, i % 2 == 0 ? "noop" : "echo", SETS.get(i % SETS.size())));
      }
      db.apply(submits.toArray(Command[]::new));
      for (JobReads.Filter f : List.of(labels(Set.of(), null, "a"), labels(Set.of(), null, "b", "a"),
          labels(Set.of(JobStatus.Pending), null, "a"), labels(Set.of(JobStatus.Pending, JobStatus.Failed), null, "c"),
          labels(Set.of(), "noop", "b"))) {
        for (boolean desc : new boolean[] {true, false}) {
          for (long after : new long[] {-1, 300}) {
            List<String> plans = plans(db, f, after, desc);
            assertThat(plans).as("one read per matching set and status: %s", f).isNotEmpty();
            for (String plan : plans) {
              assertThat(plan).as("%s after %d desc %s", f, after, desc)
                  .contains(after < 0 ? "USING INDEX jobs_by_label_set (label_set=?)"
                      : "USING INDEX jobs_by_label_set (label_set=? AND seq")
                  .doesNotContain("SCAN jobs").doesNotContain("TEMP B-TREE");
            }
          }
        }
      }
      assertThat(plans(db, labels(Set.of(), null, "a"), -1, true)).as("sets {a}, {a,b}, {a,c}").hasSize(3);
      assertThat(plans(db, labels(Set.of(), null, "zz"), -1, true)).as("no set: no read at all").isEmpty();
    }
  }

  @Test
  void aLabelOnManyJobsWithAStatusFilterIsReadThroughTheStatusIndex() throws Exception {
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      List<Command> submits = new ArrayList<>();
      for (int i = 0; i < JobReads.FEW + 10; i++) {
        submits.add(job(T, "noop", List.of("common")));
      }
      db.apply(submits.toArray(Command[]::new));
      db.one(new ClaimJobs(T + 1, "w", 3, 60_000, List.of("common")));
      List<String> plans = plans(db, labels(Set.of(JobStatus.InProgress), null, "common"), -1, true);
      assertThat(plans).hasSize(1);
      assertThat(plans.get(0)).contains("USING INDEX jobs_by_status (status=?)").doesNotContain("TEMP B-TREE");
      assertThat(plans(db, labels(Set.of(), null, "common"), -1, true).get(0))
          .as("without another filter the set's own index serves")
          .contains("USING INDEX jobs_by_label_set");
      assertThat(plans(db, labels(Set.of(JobStatus.InProgress), null, "common"), JobReads.FEW / 2, true).get(0))
          .as("past the cursor the set holds few jobs again")
          .contains("USING INDEX jobs_by_label_set");
      List<Job> page = db.store.queries().reads().page(labels(Set.of(JobStatus.InProgress), null, "common"), -1, true, 50);
      assertThat(page).extracting(Job::seq).containsExactly(2L, 1L, 0L);
    }
  }

  static Job withA(List<Job> jobs) {
    return jobs.stream().filter(j -> j.dispatch().labels().contains("a")).skip(3).findFirst().orElseThrow();
  }

  static Job withoutA(List<Job> jobs) {
    return jobs.stream().filter(j -> !j.dispatch().labels().contains("a")).skip(3).findFirst().orElseThrow();
  }

  @Test
  void pagesByKeyAcrossLabelSetsAreTheMatchesOfAFilterOverEveryJob() throws Exception {
    Random random = new Random(14);
    try (StoreFixture db = StoreFixture.seeded(dir.resolve("q.sqlite"))) {
      List<Command> submits = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        submits.add(job(T + i, random.nextBoolean() ? "noop" : "echo", SETS.get(random.nextInt(SETS.size()))));
      }
      db.apply(submits.toArray(Command[]::new));
      db.one(new ClaimJobs(T + 500, "w", 90, 60_000, List.of("a", "b", "c")));
      JobReads reads = db.store.queries().reads();
      List<Job> every = reads.page(JobReads.Filter.ALL, -1, false, 1000);
      assertThat(every).hasSize(400);
      List<JobReads.Filter> filters = List.of(labels(Set.of(), null, "a"), labels(Set.of(), null, "a", "b"),
          labels(Set.of(), null, "c"), labels(EnumSet.of(JobStatus.InProgress), null, "a"),
          labels(EnumSet.of(JobStatus.Pending, JobStatus.InProgress), "echo", "b"), labels(Set.of(), "noop", "c", "a"),
          new JobReads.Filter(Set.of(), null, withA(every).seq(), List.of("a")));
      for (JobReads.Filter f : filters) {
        for (boolean desc : new boolean[] {true, false}) {
          List<Long> expected = new ArrayList<>();
          every.stream().filter(f::matches).forEach(j -> expected.add(j.seq()));
          if (desc) {
            java.util.Collections.reverse(expected);
          }
          List<Long> walked = new ArrayList<>();
          long after = -1;
          for (int pages = 0; pages < 1000; pages++) {
            List<Job> page = reads.page(f, after, desc, 7);
            page.forEach(j -> walked.add(j.seq()));
            if (page.size() < 7) {
              break;
            }
            after = page.get(page.size() - 1).seq();
          }
          assertThat(walked).as("%s desc %s", f, desc).isEqualTo(expected);
          assertThat(expected).as("the filter keeps some jobs, not all: %s", f).isNotEmpty().hasSizeLessThan(400);
          assertThat(reads.page(new JobReads.Filter(f.statuses(), f.workflow(), withoutA(every).seq(), List.of("a")),
              -1, desc, 7)).as("a job id search outside the label").isEmpty();
        }
      }
    }
  }
}
