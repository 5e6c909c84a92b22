package io.mvmci.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvmci.command.CheckConsistency;
import io.mvmci.command.Command;
import io.mvmci.command.CommandProcessor;
import io.mvmci.command.DeterminismTest;
import io.mvmci.command.ReportDigest;
import io.mvmci.command.Result;
import io.mvmci.ops.consistency.Verdict;
import io.mvmci.store.ConsistencyQueries.Check;
import io.mvmci.store.ConsistencyQueries.Report;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consistency digest: copies of one log digest alike whatever their files' history (a backup, a
 * {@code VACUUM INTO} copy), a row changed outside the log changes the digest and names its table,
 * and a pinned digest is of the index it was pinned at while entries go on applying. Real SQLite
 * files, real command processor, the determinism test's varied log.
 */
class ConsistencyDigestTest {
  @TempDir Path dir;
  static final List<List<Command>> LOG = DeterminismTest.entries(42);

  /** A database at {@code dir/name} with the first {@code n} entries of the log applied. */
  private QueueStore applied(String name, int n) throws Exception {
    QueueStore store = QueueStore.open(dir.resolve(name), 1);
    try (CommandProcessor p = new CommandProcessor(store)) {
      for (int i = 0; i < n; i++) {
        p.apply(1, i + 1, LOG.get(i));
      }
    }
    return store;
  }

  private static ConsistencyDigest.Digest digest(QueueStore store, long index) throws Exception {
    try (ConsistencyDigest pinned = store.queries().consistency().pin(index)) {
      return pinned.compute();
    }
  }

  @Test
  void copiesOfOneLogDigestAlikeAndARowChangedOutsideTheLogIsNamedByItsTable() throws Exception {
    try (QueueStore a = applied("a.sqlite", LOG.size()); QueueStore b = applied("b.sqlite", LOG.size())) {
      ConsistencyDigest.Digest da = digest(a, LOG.size());
      ConsistencyDigest.Digest db = digest(b, LOG.size());
      assertThat(db).isEqualTo(da);
      assertThat(da.rows()).isGreaterThan(500);
      assertThat(da.schema()).isEqualTo(Migrations.ALL.size());
      assertThat(da.tables()).contains("jobs=", "job_events=", "schedules=", "meta=").doesNotContain("sqlite_");

      // a copy by the online backup (a snapshot) and one by VACUUM INTO (pages rebuilt) digest alike
      a.backupTo(dir.resolve("backup.sqlite"));
      a.copyTo(dir.resolve("vacuumed.sqlite"));
      for (String copy : List.of("backup.sqlite", "vacuumed.sqlite")) {
        try (QueueStore c = QueueStore.open(dir.resolve(copy), 1)) {
          assertThat(digest(c, LOG.size())).as(copy).isEqualTo(da);
        }
      }

      // one event's reason changed behind the log's back, on b
      try (Connection w = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("b.sqlite"));
           Statement s = w.createStatement()) {
        assertThat(s.executeUpdate("UPDATE job_events SET reason = reason || '!' WHERE id = (SELECT max(id) FROM job_events)"))
            .isEqualTo(1);
      }
      ConsistencyDigest.Digest changed = digest(b, LOG.size());
      assertThat(changed.sha256()).isNotEqualTo(da.sha256());
      assertThat(changed.rows()).isEqualTo(da.rows());

      Check check = new Check(LOG.size(), 1, "api", List.of(report(1, da), report(2, changed), report(3, da)));
      Verdict v = Verdict.of(check, 3);
      assertThat(v.outcome()).isEqualTo(Verdict.DIFFER);
      assertThat(v.majority()).isEqualTo(da.sha256());
      assertThat(v.differing()).containsExactly(2);
      assertThat(v.differingTables()).containsExactly("job_events");
    }
  }

  @Test
  void aPinnedDigestIsOfItsIndexWhileLaterEntriesApply() throws Exception {
    int half = LOG.size() / 2;
    try (QueueStore a = QueueStore.open(dir.resolve("a.sqlite"), 1); QueueStore b = applied("b.sqlite", half)) {
      ConsistencyDigest pinned;
      try (CommandProcessor p = new CommandProcessor(a)) {
        for (int i = 0; i < half; i++) {
          p.apply(1, i + 1, LOG.get(i));
        }
        pinned = a.queries().consistency().pin(half);
        for (int i = half; i < LOG.size(); i++) {
          p.apply(1, i + 1, LOG.get(i));
        }
      }
      try (pinned) {
        assertThat(pinned.compute()).isEqualTo(digest(b, half));
      }
      assertThat(digest(a, LOG.size()).sha256()).isNotEqualTo(digest(b, half).sha256());
      assertThatThrownBy(() -> b.queries().consistency().pin(half - 1)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("holds index " + half);
    }
  }

  @Test
  void aCheckIsNamedByItsIndexReportsReplaceTheirMembersAndOnlyTheNewestChecksAreKept() throws Exception {
    try (QueueStore s = QueueStore.open(dir.resolve("c.sqlite"), 1); CommandProcessor p = new CommandProcessor(s)) {
      long index = 1;
      assertThat(p.apply(1, index, List.of(new ReportDigest(5, 1, 1, 11, "ab", 1, "t=00/1"))).get(0))
          .isInstanceOfSatisfying(Result.Rejected.class, r -> assertThat(r.message()).contains("no consistency check at index 1"));
      for (int i = 0; i < CheckConsistency.KEEP + 5; i++) {
        index++;
        p.apply(1, index, List.of(new CheckConsistency(10 + i, "schedule")));
        p.apply(1, ++index, List.of(new ReportDigest(20 + i, index - 1, 1, 11, "aa", 3, "t=00/3")));
      }
      long newest = index - 1;
      // a member's second report for one check replaces its first
      assertThat(p.apply(1, ++index, List.of(new ReportDigest(99, newest, 1, 11, "bb", 4, "t=01/4"))).get(0))
          .isInstanceOf(Result.Ack.class);
      assertThat(p.apply(1, ++index, List.of(new ReportDigest(99, newest, 2, 11, "bb", 4, "t=01/4"))).get(0))
          .isInstanceOf(Result.Ack.class);

      List<Check> kept = s.queries().consistency().latest(1_000);
      assertThat(kept).hasSize(CheckConsistency.KEEP);
      assertThat(kept.get(0).index()).isEqualTo(newest);
      assertThat(kept.get(0).requestedBy()).isEqualTo("schedule");
      assertThat(kept.get(0).reports()).extracting(Report::nodeId, Report::digest)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "bb"), org.assertj.core.groups.Tuple.tuple(2, "bb"));
      assertThat(Verdict.of(kept.get(0), 3).outcome()).isEqualTo(Verdict.PENDING);
      assertThat(Verdict.of(kept.get(0), 2).outcome()).isEqualTo(Verdict.AGREE);
      try (Connection r = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.sqlite"));
           Statement st = r.createStatement();
           var rs = st.executeQuery("SELECT count(*), min(check_index) FROM consistency_reports")) {
        rs.next();
        assertThat(rs.getLong(1)).as("reports of dropped checks are dropped").isEqualTo(CheckConsistency.KEEP + 1);
        assertThat(rs.getLong(2)).isEqualTo(kept.get(kept.size() - 1).index());
      }
      // a report for a check no longer kept is refused
      assertThat(p.apply(1, ++index, List.of(new ReportDigest(5, 2, 1, 11, "ab", 1, "t=00/1"))).get(0))
          .isInstanceOf(Result.Rejected.class);
    }
  }

  @Test
  void aVerdictComparesOneSchemaVersionAndNamesNoMemberWithoutAMajority() {
    Report one = new Report(1, 11, "aa", 3, "jobs=00/3", 1);
    Report two = new Report(2, 11, "bb", 3, "jobs=01/3", 1);
    Report older = new Report(3, 10, "cc", 3, "jobs=02/3", 1);
    Verdict split = Verdict.of(new Check(9, 1, "api", List.of(one, two, older)), 3);
    assertThat(split.outcome()).isEqualTo(Verdict.DIFFER);
    assertThat(split.majority()).isNull();
    assertThat(split.differing()).isEmpty();
    assertThat(split.notCompared()).containsExactly(3);
    assertThat(split.differingTables()).containsExactly("jobs");

    Verdict upgrade = Verdict.of(new Check(9, 1, "api", List.of(one, new Report(2, 11, "aa", 3, "", 1), older)), 3);
    assertThat(upgrade.outcome()).isEqualTo(Verdict.AGREE);
    assertThat(upgrade.differing()).isEmpty();
    assertThat(upgrade.notCompared()).containsExactly(3);
    assertThat(Verdict.of(new Check(9, 1, "api", List.of()), 3).outcome()).isEqualTo(Verdict.PENDING);
  }

  private static Report report(int node, ConsistencyDigest.Digest d) {
    return new Report(node, d.schema(), d.sha256(), d.rows(), d.tables(), 1);
  }
}
