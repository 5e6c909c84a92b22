package io.mvmci.faults;

import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault injection's post-mortem on a real node's files: the replay of its Raft log rebuilds its
 * database exactly, and a copy whose database was changed behind the log's back is named as the one
 * that differs, at the row that differs.
 */
class LogReplayTest {
  @TempDir
  Path dir;

  @Test
  void aReplayOfTheLogMatchesTheNodeAndNamesADatabaseChangedBehindItsBack() throws Exception {
    System.setProperty("mvmci.apply.trace", "true"); // read when the state machine is made
    try (TestNode node = TestNode.cluster(dir, 1, "\n[workers]\nembedded = 0\n").get(0).start()) {
      for (int i = 0; i < 5; i++) {
        Reply r = post(node.url("/api/v1/jobs"), "application/json", "{\"workflow\":\"noop\",\"delay_ms\":3600000}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
      }
    } finally {
      System.clearProperty("mvmci.apply.trace");
    }
    org.springframework.util.FileSystemUtils.copyRecursively(dir.resolve("data1"), dir.resolve("data2"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + LogReplay.db(dir, 2));
         Statement s = c.createStatement()) {
      assertThat(s.executeUpdate("UPDATE jobs SET priority = 7 WHERE seq = (SELECT max(seq) FROM jobs)")).isEqualTo(1);
    }
    // and node 2's trace says one entry had other results than node 1's (and the replay's)
    Path trace = LogReplay.db(dir, 2).resolveSibling("apply-trace.log");
    java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(trace));
    int last = lines.size() - 1;
    while (!lines.get(last).matches("\\d+ \\d+ leader .*")) {
      last--;
    }
    String[] f = lines.get(last).split(" ");
    lines.set(last, f[0] + " " + f[1] + " " + f[2] + " " + f[3] + " 0000000000000000");
    Files.write(trace, lines);

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    LogReplay.analyse(dir, new PrintStream(text, true, StandardCharsets.UTF_8));
    String report = text.toString(StandardCharsets.UTF_8);

    assertThat(report).contains("logs of 1 and 2:").doesNotContain("DISAGREEMENT");
    assertThat(report).contains("replay of an empty database");
    assertThat(report).as("the replayed copies are kept with the cluster they replay")
        .contains("replayed database: " + dir.resolve("replay-"));
    assertThat(report.split("node 1's database: IDENTICAL", -1).length - 1).as(report).isGreaterThanOrEqualTo(1);
    assertThat(report).as(report).doesNotContain("node 1's database: differs").doesNotContain("node 2's database: IDENTICAL");
    assertThat(report).contains("node 2's database: differs").contains("at -- jobs");
    assertThat(report).contains("node 1's apply trace: ").contains("traces of 1 and 2: ")
        .contains("same entries; FIRST DIFFERENT RESULTS at " + f[0])
        .contains("node 2's trace: FIRST RESULTS NOT THE REPLAY'S at index " + f[0])
        .doesNotContain("node 1's trace: FIRST RESULTS");
  }
}
