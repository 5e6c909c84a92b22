package io.mvmci.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.command.Command;
import io.mvmci.command.CommandCodec;
import io.mvmci.command.Result;
import io.mvmci.command.SubmitJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apply is deterministic: one sequence of log entries applied to two fresh databases leaves them
 * byte-identical, whatever the wall clock, thread or machine says while it runs.
 */
class DeterminismTest {
  @TempDir Path dir;

  /** A varied sequence of entries, the same every time for a given seed. */
  static List<List<Command>> entries(long seed) {
    Random r = new Random(seed);
    List<List<Command>> out = new ArrayList<>();
    long t = 1_700_000_000_000L;
    for (int e = 0; e < 200; e++) {
      List<Command> batch = new ArrayList<>();
      int n = 1 + r.nextInt(8);
      for (int i = 0; i < n; i++) {
        t += r.nextInt(50);
        String key = r.nextInt(4) == 0 ? "key-" + r.nextInt(40) : null;
        long runAt = r.nextInt(5) == 0 ? t + r.nextInt(60_000) : 0;
        batch.add(new SubmitJob(t, r.nextBoolean() ? "crawler" : "pipeline",
            "{\"url\":\"https://example.com/" + r.nextInt(1000) + "\"}", "https://example.com/",
            r.nextInt(3), runAt, 1 + r.nextInt(5), 60_000, key));
      }
      out.add(batch);
    }
    return out;
  }

  static List<List<Result>> applyAll(Path file, List<List<Command>> entries) throws Exception {
    List<List<Result>> results = new ArrayList<>();
    try (QueueStore s = QueueStore.open(file, 1)) {
      long index = 0;
      for (List<Command> batch : entries) {
        // through the codec, as the log carries them
        List<Command> decoded = CommandCodec.decode(CommandCodec.encode(batch));
        results.add(s.processor().apply(1, ++index, decoded));
        if (index % 37 == 0) {
          s.processor().advance(1, ++index); // a Ratis entry with no commands
        }
      }
    }
    return results;
  }

  @Test
  void theSameEntriesGiveByteIdenticalDatabases() throws Exception {
    List<List<Command>> entries = entries(42);
    List<List<Result>> a = applyAll(dir.resolve("a.sqlite"), entries);
    List<List<Result>> b = applyAll(dir.resolve("b.sqlite"), entries);

    assertThat(a).isEqualTo(b);
    byte[] dumpA = DatabaseDump.of(dir.resolve("a.sqlite"));
    byte[] dumpB = DatabaseDump.of(dir.resolve("b.sqlite"));
    assertThat(dumpA).isEqualTo(dumpB);
    assertThat(new String(dumpA)).contains("crawler", "pipeline", "submitted; waits until");
    assertThat(a.stream().flatMap(List::stream))
        .anyMatch(res -> res instanceof Result.Submitted s && s.duplicate());
  }

  @Test
  void differentEntriesGiveDifferentDumps() throws Exception {
    applyAll(dir.resolve("a.sqlite"), entries(1));
    applyAll(dir.resolve("b.sqlite"), entries(2));
    assertThat(DatabaseDump.of(dir.resolve("a.sqlite")))
        .isNotEqualTo(DatabaseDump.of(dir.resolve("b.sqlite")));
  }

  @Test
  void replayingEntriesAlreadyAppliedChangesNothing() throws Exception {
    List<List<Command>> entries = entries(7);
    Path file = dir.resolve("a.sqlite");
    applyAll(file, entries);
    byte[] before = DatabaseDump.of(file);
    List<List<Result>> replay = applyAll(file, entries);
    assertThat(replay).allMatch(r -> r == null);
    assertThat(DatabaseDump.of(file)).isEqualTo(before);
  }
}
