package io.mvmci.lifecycle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL queue's statements, each run in autocommit (one transaction, one synchronous commit
 * each): insert a batch, claim up to k with {@code FOR UPDATE SKIP LOCKED}, complete a batch under
 * its fencing attempt numbers. The schema is bench/lifecycle/pg-queue.sql.
 */
final class PgQueue {
  static final String CLAIM = """
      WITH picked AS (
        SELECT id FROM jobs
        WHERE status = 'pending' AND run_at <= now()
        ORDER BY priority DESC, run_at, id
        LIMIT ? FOR UPDATE SKIP LOCKED)
      UPDATE jobs j SET status = 'running', attempt = j.attempt + 1, worker_id = ?, started_at = now(),
                        lease_until = now() + interval '30 seconds'
      FROM picked WHERE j.id = picked.id
      RETURNING j.id, j.workflow, j.input::text, j.attempt""";
  static final String COMPLETE = """
      UPDATE jobs j SET status = 'completed', output = '{}', finished_at = now(), lease_until = NULL
      FROM unnest(?::bigint[], ?::int[]) AS d(id, attempt)
      WHERE j.id = d.id AND j.attempt = d.attempt AND j.status = 'running' AND j.worker_id = ?""";
  static final String INSERT_BATCH = """
      INSERT INTO jobs (workflow, input) SELECT * FROM unnest(?::text[], ?::jsonb[]) RETURNING id""";

  record Claimed(long id, String workflow, String input, int attempt) {}

  private final String url;

  PgQueue(String url) {
    this.url = url;
  }

  Connection connect() throws SQLException {
    Connection c = DriverManager.getConnection(url);
    c.setAutoCommit(true);
    return c;
  }

  void createSchema(Path sql) throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String stmt : Files.readString(sql).split("\n;;\n")) {
        String body = stmt.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + b + "\n").strip();
        if (!body.isEmpty()) {
          s.execute(body);
        }
      }
    }
  }

  static List<Long> insertBatch(Connection c, int n) throws SQLException {
    String[] workflows = new String[n];
    String[] inputs = new String[n];
    java.util.Arrays.fill(workflows, "noop");
    java.util.Arrays.fill(inputs, "{}");
    try (PreparedStatement ps = c.prepareStatement(INSERT_BATCH)) {
      ps.setArray(1, c.createArrayOf("text", workflows));
      ps.setArray(2, c.createArrayOf("text", inputs));
      List<Long> ids = new ArrayList<>(n);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
      return ids;
    }
  }

  static long insertOne(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO jobs (workflow, input) VALUES ('noop', '{}') RETURNING id");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A worker's prepared statements on its own connection. */
  static final class Worker implements AutoCloseable {
    final Connection c;
    private final String workerId;
    private final PreparedStatement claim;
    private final PreparedStatement complete;

    Worker(Connection c, String workerId) throws SQLException {
      this.c = c;
      this.workerId = workerId;
      this.claim = c.prepareStatement(CLAIM);
      this.complete = c.prepareStatement(COMPLETE);
    }

    List<Claimed> claim(int k) throws SQLException {
      claim.setInt(1, k);
      claim.setString(2, workerId);
      List<Claimed> out = new ArrayList<>(k);
      try (ResultSet rs = claim.executeQuery()) {
        while (rs.next()) {
          out.add(new Claimed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4)));
        }
      }
      return out;
    }

    /** Marks the jobs done under their claims; returns how many were accepted. */
    int complete(List<Claimed> jobs) throws SQLException {
      Long[] ids = new Long[jobs.size()];
      Integer[] attempts = new Integer[jobs.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = jobs.get(i).id();
        attempts[i] = jobs.get(i).attempt();
      }
      Array a = c.createArrayOf("bigint", ids);
      Array b = c.createArrayOf("int", attempts);
      complete.setArray(1, a);
      complete.setArray(2, b);
      complete.setString(3, workerId);
      return complete.executeUpdate();
    }

    @Override
    public void close() throws SQLException {
      claim.close();
      complete.close();
      c.close();
    }
  }
}
