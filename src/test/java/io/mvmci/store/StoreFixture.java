package io.mvmci.store;

import io.mvmci.command.Command;
import io.mvmci.command.CommandCodec;
import io.mvmci.command.Result;
import io.mvmci.job.Job;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A queue database fed one log entry at a time, as Raft would feed it. */
final class StoreFixture implements AutoCloseable {
  final Path file;
  final QueueStore store;
  private long index;

  StoreFixture(Path file) throws Exception {
    this.file = file;
    this.store = QueueStore.open(file, 2);
  }

  List<Result> apply(Command... batch) throws SQLException {
    List<Command> decoded = CommandCodec.decode(CommandCodec.encode(List.of(batch)));
    return store.processor().apply(1, ++index, decoded);
  }

  Result one(Command c) throws SQLException {
    return apply(c).get(0);
  }

  Job job(long seq) throws SQLException {
    return store.queries().get(seq).orElseThrow();
  }

  /** Status to row count, counted the slow way, to check the maintained counters against. */
  Map<String, Long> countedByStatus() throws SQLException {
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
    store.close();
  }
}
