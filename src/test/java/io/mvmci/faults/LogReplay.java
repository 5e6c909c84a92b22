package io.mvmci.faults;

import io.mvmci.command.Command;
import io.mvmci.command.CommandCodec;
import io.mvmci.command.CommandProcessor;
import io.mvmci.replication.ApplyTrace;
import io.mvmci.store.QueueStore;
import io.mvmci.testing.DatabaseDump;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.raftlog.segmented.LogSegment;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.util.SizeInBytes;

/**
 * A post-mortem of a kept fault-injection cluster ({@link FaultRun} keeps its directory on a
 * violation): reads every node's Raft log segments, checks that the logs agree wherever they overlap,
 * then replays each node's snapshot plus the log into a fresh database and compares the result with
 * every node's own database. A node whose database differs from the replay of the log it agreed to
 * applied something the log does not say. For each differing table it prints the first row that
 * differs and, for {@code job_steps}, the log entries that wrote the rows around it.
 *
 * <pre>
 *   mvn -o -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.mvmci.faults.LogReplay \
 *       -Dexec.args=/tmp/mvmci-faults123
 * </pre>
 * or with {@code java -cp target/test-classes:target/classes:$(cat cp.txt) io.mvmci.faults.LogReplay DIR}.
 */
public final class LogReplay {
  private LogReplay() {}

  /** One log entry: its term, and its commands' bytes (null for Ratis's own entries). */
  record Entry(long term, byte[] data, String kind) {
    boolean same(Entry o) {
      return term == o.term && kind.equals(o.kind) && Arrays.equals(data, o.data);
    }
  }

  public static void main(String[] args) throws Exception {
    analyse(Path.of(args[0]), System.out);
  }

  /** Writes the post-mortem of the kept cluster at {@code dir} to {@code out}. */
  static void analyse(Path dir, java.io.PrintStream out) throws IOException, SQLException {
    List<Integer> nodes = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.map(p -> p.getFileName().toString()).filter(n -> n.matches("data\\d+")).sorted()
          .forEach(n -> nodes.add(Integer.parseInt(n.substring(4))));
    }
    Map<Integer, TreeMap<Long, Entry>> logs = new TreeMap<>();
    for (int n : nodes) {
      TreeMap<Long, Entry> log = readLog(raftDir(dir, n).resolve("current"));
      logs.put(n, log);
      out.printf("node %d: log %d..%d (%d entries), db at %d, snapshots %s%n", n,
          log.isEmpty() ? -1 : log.firstKey(), log.isEmpty() ? -1 : log.lastKey(), log.size(),
          appliedIndex(db(dir, n)), snapshots(dir, n));
    }
    // agreement wherever two logs overlap (uncommitted tails may differ; they are printed, not judged)
    for (int a : nodes) {
      for (int b : nodes) {
        if (a < b) {
          compareLogs(a, logs.get(a), b, logs.get(b), out);
        }
      }
    }
    Map<Integer, TreeMap<Long, Traced>> traces = new TreeMap<>();
    for (int n : nodes) {
      Path file = db(dir, n).resolveSibling("apply-trace.log");
      if (Files.exists(file)) {
        traces.put(n, readTrace(n, file, out));
      }
    }
    compareTraces(traces, out);
    TreeMap<Long, Entry> union = new TreeMap<>();
    for (int n : nodes) {
      logs.get(n).forEach(union::putIfAbsent);
    }
    long target = appliedIndex(db(dir, nodes.get(0)));
    Map<Integer, String> dumps = new TreeMap<>();
    for (int n : nodes) {
      dumps.put(n, new String(DatabaseDump.of(db(dir, n)), StandardCharsets.UTF_8));
    }
    List<Path> bases = new ArrayList<>();
    if (!union.isEmpty() && union.firstKey() <= 1) {
      bases.add(null); // the logs reach back to the start: replay into an empty database too
    }
    for (int n : nodes) {
      for (Path snap : snapshots(dir, n)) {
        long at = Long.parseLong(snap.getFileName().toString().replaceAll(".*_", ""));
        if (at < target && !union.containsKey(at + 1)) {
          out.printf("%n%s: the logs no longer hold index %d; not replayed%n", snap, at + 1);
        } else {
          bases.add(snap);
        }
      }
    }
    for (Path base : bases) {
      Path copy = Files.createTempFile(dir, "replay-", ".sqlite"); // kept with the cluster it replays
      Files.delete(copy);
      Map<Long, Long> stepWriters = new TreeMap<>();
      Map<Long, String> resultHashes = new TreeMap<>();
      long from = replay(base, union, target, copy, stepWriters, resultHashes, out);
      String replayed = new String(DatabaseDump.of(copy), StandardCharsets.UTF_8);
      out.printf("%nreplay of %s (from index %d) to %d:%n", base == null ? "an empty database" : base,
          from, target);
      for (int m : nodes) {
        String d = firstDifference(replayed, dumps.get(m));
        out.printf("  node %d's database: %s%n", m, d == null ? "IDENTICAL" : "differs\n" + d);
        TreeMap<Long, Traced> t = traces.get(m);
        if (t != null) {
          resultHashes.entrySet().stream().filter(e -> t.containsKey(e.getKey())
                  && !t.get(e.getKey()).results().equals(e.getValue())).findFirst()
              .ifPresent(e -> out.printf("  node %d's trace: FIRST RESULTS NOT THE REPLAY'S at index %d (%s, replay %s)%n",
                  m, e.getKey(), t.get(e.getKey()), e.getValue()));
        }
      }
      Files.writeString(Path.of(copy + ".steps"), stepWriters.toString());
      out.println("  replayed database: " + copy + " (which entry wrote each job_steps id: " + copy + ".steps)");
    }
  }

  /** One node's trace line for an entry it applied (not skipped): how, and the two hashes. */
  record Traced(String how, long term, String entry, String results) {}

  /**
   * Reads a node's apply trace ({@code replication.ApplyTrace}): the first application of each index.
   * Prints its MISMATCH lines, and every replay that skipped an index whose entry in the log is not
   * the one applied there before (the node's log changed under an entry it had applied).
   */
  static TreeMap<Long, Traced> readTrace(int node, Path file, java.io.PrintStream out) throws IOException {
    TreeMap<Long, Traced> applied = new TreeMap<>();
    int starts = 0;
    int skips = 0;
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("#")) {
        starts += line.startsWith("# start") ? 1 : 0;
        continue;
      }
      String[] f = line.split(" ");
      if (f.length < 5) {
        continue; // a meta entry, or a line cut by a kill
      }
      long index = Long.parseLong(f[0]);
      if (line.contains("MISMATCH")) {
        out.printf("node %d's trace: %s%n", node, line);
      }
      if (f[2].equals("skip")) {
        skips++;
        Traced before = applied.get(index);
        if (before != null && !before.entry().equals(f[3])) {
          out.printf("node %d: a replay skipped index %d holding entry %s, but %s was applied there%n",
              node, index, f[3], before.entry());
        }
      } else {
        applied.putIfAbsent(index, new Traced(f[2], Long.parseLong(f[1]), f[3], f[4]));
      }
    }
    out.printf("node %d's apply trace: %d entries applied, %d skipped by replays, %d starts%n", node,
        applied.size(), skips, starts);
    return applied;
  }

  /** The first index at which two nodes' traces name different entries, or different results. */
  private static void compareTraces(Map<Integer, TreeMap<Long, Traced>> traces, java.io.PrintStream out) {
    List<Integer> ns = new ArrayList<>(traces.keySet());
    for (int i = 0; i < ns.size(); i++) {
      for (int j = i + 1; j < ns.size(); j++) {
        TreeMap<Long, Traced> a = traces.get(ns.get(i));
        TreeMap<Long, Traced> b = traces.get(ns.get(j));
        Long entry = null;
        Long results = null;
        long shared = 0;
        for (Map.Entry<Long, Traced> e : a.entrySet()) {
          Traced o = b.get(e.getKey());
          if (o == null) {
            continue;
          }
          shared++;
          if (entry == null && !o.entry().equals(e.getValue().entry())) {
            entry = e.getKey();
          }
          if (results == null && !o.results().equals(e.getValue().results())) {
            results = e.getKey();
          }
        }
        out.printf("traces of %d and %d: %d indexes applied by both; %s; %s%n", ns.get(i), ns.get(j), shared,
            entry == null ? "same entries" : "FIRST DIFFERENT ENTRY at " + entry + " " + a.get(entry) + " / " + b.get(entry),
            results == null ? "same results" : "FIRST DIFFERENT RESULTS at " + results + " " + a.get(results) + " / "
                + b.get(results));
      }
    }
  }

  static Path raftDir(Path dir, int n) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("data" + n).resolve("raft"))) {
      return s.filter(Files::isDirectory).findFirst().orElseThrow();
    }
  }

  static Path db(Path dir, int n) {
    return dir.resolve("data" + n).resolve("db").resolve("queue.sqlite");
  }

  static List<Path> snapshots(Path dir, int n) throws IOException {
    try (Stream<Path> s = Files.list(raftDir(dir, n).resolve("sm"))) {
      return s.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+")).sorted().toList();
    }
  }

  static TreeMap<Long, Entry> readLog(Path current) throws IOException {
    TreeMap<Long, Entry> log = new TreeMap<>();
    try (Stream<Path> s = Files.list(current)) {
      for (Path p : s.sorted().toList()) {
        LogSegmentPath seg = LogSegmentPath.matchLogSegment(p);
        if (seg == null) {
          continue;
        }
        LogSegment.readSegmentFile(p.toFile(), seg.getStartEnd(), SizeInBytes.valueOf("64MB"),
            RaftServerConfigKeys.Log.CorruptionPolicy.WARN_AND_RETURN, null, e -> log.put(e.getIndex(), entry(e)));
      }
    }
    return log;
  }

  private static Entry entry(LogEntryProto e) {
    if (e.hasStateMachineLogEntry()) {
      return new Entry(e.getTerm(), e.getStateMachineLogEntry().getLogData().toByteArray(), "sm");
    }
    return new Entry(e.getTerm(), null, e.hasConfigurationEntry() ? "conf" : "meta");
  }

  private static void compareLogs(int a, TreeMap<Long, Entry> la, int b, TreeMap<Long, Entry> lb,
      java.io.PrintStream out) {
    long agree = 0;
    long first = -1;
    for (Map.Entry<Long, Entry> e : la.entrySet()) {
      Entry o = lb.get(e.getKey());
      if (o == null) {
        continue;
      }
      if (e.getValue().same(o)) {
        agree++;
      } else if (first < 0) {
        first = e.getKey();
      }
    }
    out.printf("logs of %d and %d: %d shared entries agree%s%n", a, b, agree,
        first < 0 ? "" : "; FIRST DISAGREEMENT at index " + first + " (terms " + la.get(first).term() + " / "
            + lb.get(first).term() + ", last index " + la.lastKey() + " / " + lb.lastKey() + ")");
  }

  /**
   * Replays {@code log} from the snapshot's index (or into an empty database, if it is null) to
   * {@code target} into {@code db}; returns the index it started after.
   */
  private static long replay(Path snapshot, TreeMap<Long, Entry> log, long target, Path db,
      Map<Long, Long> stepWriters, Map<Long, String> resultHashes, java.io.PrintStream out)
      throws IOException, SQLException {
    if (snapshot != null) {
      Files.copy(snapshot, db, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    long from;
    try (QueueStore store = QueueStore.open(db, 1)) {
      CommandProcessor p = new CommandProcessor(store);
      from = p.appliedIndex();
      long lastStep = maxStepId(store.writer());
      for (long i = from + 1; i <= target; i++) {
        Entry e = log.get(i);
        if (e == null) {
          out.println("  the logs lack index " + i + "; replay stops there");
          break;
        }
        if (e.data() == null) {
          p.advance(e.term(), i);
          continue;
        }
        List<Command> batch = CommandCodec.decode(e.data());
        List<io.mvmci.command.Result> results = p.apply(e.term(), i, batch);
        if (results != null) {
          resultHashes.put(i, ApplyTrace.sha(io.mvmci.command.ResultCodec.encode(results)));
        }
        long max = maxStepId(store.writer());
        for (long id = lastStep + 1; id <= max; id++) {
          stepWriters.put(id, i);
        }
        lastStep = max;
      }
      p.close();
    }
    return from;
  }

  private static long maxStepId(Connection c) throws SQLException {
    try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM job_steps")) {
      rs.next();
      long v = rs.getLong(1);
      c.commit();
      return v;
    }
  }

  static long appliedIndex(Path db) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
         var s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'applied_index'")) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  /** The first line where two dumps differ, with its table, or null. */
  static String firstDifference(String a, String b) {
    String[] x = a.split("\n", -1);
    String[] y = b.split("\n", -1);
    String table = "";
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      String l = i < x.length ? x[i] : "<end>";
      String r = i < y.length ? y[i] : "<end>";
      if (l.startsWith("-- ")) {
        table = l;
      }
      if (!l.equals(r)) {
        return "    at " + table + " line " + i + ":\n    replay: " + Checker.abbreviate(l) + "\n    node:   " + Checker.abbreviate(r);
      }
    }
    return null;
  }
}
