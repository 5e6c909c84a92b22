package io.mvmci.testing;

import io.mvmci.command.Command;
import io.mvmci.command.CommandCodec;
import io.mvmci.command.CommandProcessor;
import io.mvmci.command.Result;
import io.mvmci.command.SeedModule;
import io.mvmci.job.Job;
import io.mvmci.store.QueueStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A real queue database fed one log entry at a time through the real codec and command processor,
 * as Raft would feed it: the harness for apply-level tests.
 */
public final class StoreFixture implements AutoCloseable {
  /** The workflow names the apply tests use; {@link #seedModules} gives each a version. */
  public static final List<String> WORKFLOWS = List.of("noop", "crawler", "pipeline", "echo");

  public final Path file;
  public final QueueStore store;
  public final CommandProcessor processor;
  private long index;

  /** A fresh (or existing) database at {@code file}, without modules. */
  public StoreFixture(Path file) throws Exception {
    this.file = file;
    this.store = QueueStore.open(file, 2);
    this.processor = new CommandProcessor(store);
    this.index = processor.appliedIndex();
  }

  /** A fresh database whose first entry seeds a version of every name in {@link #WORKFLOWS}. */
  public static StoreFixture seeded(Path file) throws Exception {
    StoreFixture f = new StoreFixture(file);
    f.apply(seedModules(0).toArray(Command[]::new));
    return f;
  }

  /** Seeds of made-up module bytes (apply checks their hash, not their content), one per workflow. */
  public static List<Command> seedModules(long at) {
    List<Command> seeds = new ArrayList<>();
    for (String name : WORKFLOWS) {
      byte[] wasm = ("module " + name).getBytes(StandardCharsets.UTF_8);
      seeds.add(new SeedModule(at, name, sha256(wasm), wasm));
    }
    return seeds;
  }

  public static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Applies one entry made of {@code batch}, through the codec, at the next index. */
  public List<Result> apply(Command... batch) throws SQLException {
    List<Command> decoded = CommandCodec.decode(CommandCodec.encode(List.of(batch)));
    return processor.apply(1, ++index, decoded);
  }

  public Result one(Command c) throws SQLException {
    return apply(c).get(0);
  }

  public Job job(long seq) throws SQLException {
    return store.queries().get(seq).orElseThrow();
  }

  /** Status to row count, counted the slow way, to check the maintained counters against. */
  public Map<String, Long> countedByStatus() throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM jobs GROUP BY status")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  @Override
  public void close() throws SQLException {
    try (store) {
      processor.close();
    }
  }
}
