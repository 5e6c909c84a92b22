package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.command.Command;
import io.mvmci.command.CommandCodec;
import io.mvmci.command.JobOptions;
import io.mvmci.command.Result;
import io.mvmci.command.SubmitJob;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The apply trace's lines, and its check that the leader applies what its log holds. */
class ApplyTraceTest {
  @TempDir Path dir;

  private static SubmitJob submit(String input) {
    return new SubmitJob(1_000, "noop", input, null, 0, 0, 3, 60_000, null, JobOptions.NONE);
  }

  @Test
  void writesALinePerEntryAndAMismatchWhenTheLeadersProposalIsNotTheLogsEntry() throws Exception {
    Path db = dir.resolve("db").resolve("queue.sqlite");
    ApplyTrace trace;
    System.setProperty(ApplyTrace.PROPERTY, "true");
    try {
      trace = ApplyTrace.beside(db);
    } finally {
      System.clearProperty(ApplyTrace.PROPERTY);
    }
    List<Command> logged = List.of(submit("{}"));
    ByteBuffer entry = ByteBuffer.wrap(CommandCodec.encode(logged));
    List<Result> results = List.of(new Result.Submitted(7, false));
    trace.note("start: database at 0");
    trace.applied(5, 2, entry, null, results);
    trace.applied(6, 2, entry, logged, results);
    trace.applied(7, 2, entry, List.of(submit("{\"other\":1}")), results);
    trace.applied(5, 2, entry, null, null);
    trace.meta(8, 3);
    trace.close();

    List<String> lines = Files.readAllLines(db.resolveSibling("apply-trace.log"));
    String e = ApplyTrace.sha(CommandCodec.encode(logged));
    String r = ApplyTrace.sha(io.mvmci.command.ResultCodec.encode(results));
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0)).isEqualTo("# start: database at 0");
    assertThat(lines.get(1)).isEqualTo("5 2 log " + e + " " + r);
    assertThat(lines.get(2)).isEqualTo("6 2 leader " + e + " " + r);
    assertThat(lines.get(3)).startsWith("7 2 leader " + e + " " + r + " MISMATCH proposal ")
        .doesNotEndWith(e);
    assertThat(lines.get(4)).isEqualTo("5 2 skip " + e + " -");
    assertThat(lines.get(5)).isEqualTo("8 3 meta");
  }

  @Test
  void isOffWithoutTheProperty() {
    assertThat(ApplyTrace.beside(dir.resolve("queue.sqlite")).on()).isFalse();
    assertThat(Files.exists(dir.resolve("apply-trace.log"))).isFalse();
  }
}
