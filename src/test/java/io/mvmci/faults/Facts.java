package io.mvmci.faults;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one node's database says about the jobs, read straight from its SQLite file: each job's
 * status, its state changes (with the claim attempt of each) and its recorded run steps; and the
 * consistency checks the nodes ran meanwhile, with each member's digest.
 */
record Facts(long appliedIndex, Map<String, JobFacts> jobs, List<DigestCheck> checks) {
  Facts(long appliedIndex, Map<String, JobFacts> jobs) {
    this(appliedIndex, jobs, List.of());
  }

  /** A consistency check: each reporting member's digest and table digests, by member id. */
  record DigestCheck(long index, Map<Integer, String> digests, Map<Integer, String> tables) {}

  record Event(long id, String status, int attempt) {}

  record Step(int execution, int seq, int attempt, String kind, boolean done, Long finishedAt) {}

  record JobFacts(String jobId, String key, String status, List<Event> events, List<Step> steps) {}

  static Facts read(Path db) throws SQLException {
    Map<String, JobFacts> jobs = new LinkedHashMap<>();
    Map<Long, String> bySeq = new LinkedHashMap<>();
    Map<Long, DigestCheck> checks = new LinkedHashMap<>();
    long applied;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db + "?open_mode=1");
         Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'applied_index'")) {
        applied = rs.next() ? rs.getLong(1) : -1;
      }
      try (ResultSet rs = s.executeQuery("SELECT seq, status, idempotency_key FROM jobs ORDER BY seq")) {
        while (rs.next()) {
          String id = "job-" + rs.getLong(1);
          bySeq.put(rs.getLong(1), id);
          jobs.put(id, new JobFacts(id, rs.getString(3), rs.getString(2), new ArrayList<>(), new ArrayList<>()));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT job_seq, id, status, attempt FROM job_events ORDER BY id")) {
        while (rs.next()) {
          JobFacts j = jobs.get(bySeq.get(rs.getLong(1)));
          if (j != null) {
            j.events().add(new Event(rs.getLong(2), rs.getString(3), rs.getInt(4)));
          }
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT job_seq, execution, seq, attempt, kind, done, finished_at "
          + "FROM job_steps ORDER BY job_seq, execution, seq")) {
        while (rs.next()) {
          JobFacts j = jobs.get(bySeq.get(rs.getLong(1)));
          if (j != null) {
            long at = rs.getLong(7);
            j.steps().add(new Step(rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getString(5), rs.getInt(6) == 1,
                rs.wasNull() ? null : at));
          }
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT check_index FROM consistency_checks ORDER BY check_index")) {
        while (rs.next()) {
          checks.put(rs.getLong(1), new DigestCheck(rs.getLong(1), new TreeMap<>(), new TreeMap<>()));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT check_index, node_id, digest, tables FROM consistency_reports")) {
        while (rs.next()) {
          DigestCheck d = checks.get(rs.getLong(1));
          if (d != null) {
            d.digests().put(rs.getInt(2), rs.getString(3));
            d.tables().put(rs.getInt(2), rs.getString(4));
          }
        }
      }
    }
    return new Facts(applied, jobs, List.copyOf(checks.values()));
  }
}
