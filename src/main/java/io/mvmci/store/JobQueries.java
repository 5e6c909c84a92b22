package io.mvmci.store;

import io.mvmci.job.Job;
import io.mvmci.job.JobEvent;
import io.mvmci.job.JobStatus;
import io.mvmci.job.LogLine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads of the queue, on the read-only pool. Every list is paged by key, never by OFFSET. Whole jobs are
 * selected and read as {@link JobRow} says.
 */
public final class JobQueries {
  private static final String GET = "SELECT " + JobRow.COLUMNS + " FROM jobs WHERE seq = ?";
  private static final String NEXT_RUN_AT =
      "SELECT MIN(run_at) FROM jobs INDEXED BY jobs_runnable_at WHERE status IN ('Pending', 'Retrying')";

  private final ReadPool pool;
  private final HistoryQueries history;
  private final WaitQueries waits;
  private final JobReads reads;
  private final ScheduleQueries schedules;
  private final ArtifactQueries artifacts;
  private final ModuleQueries modules;
  private final ConsistencyQueries consistency;

  JobQueries(ReadPool pool) {
    this.pool = pool;
    this.history = new HistoryQueries(pool);
    this.waits = new WaitQueries(pool);
    this.reads = new JobReads(pool);
    this.artifacts = new ArtifactQueries(pool);
    this.schedules = new ScheduleQueries(pool);
    this.modules = new ModuleQueries(pool);
    this.consistency = new ConsistencyQueries(pool);
  }

  /** Reads of the consistency checks and the members' digests. */
  public ConsistencyQueries consistency() {
    return consistency;
  }

  /** Reads of the cron schedules and their fires. */
  public ScheduleQueries schedules() {
    return schedules;
  }

  /** Reads of waiting runs, signals and child jobs. */
  public WaitQueries waits() {
    return waits;
  }

  /** Reads of the dashboard and the live streams: jobs by id, changed since, filtered pages. */
  public JobReads reads() {
    return reads;
  }

  /** Reads of artifact metadata. */
  public ArtifactQueries artifacts() {
    return artifacts;
  }

  /** Reads of the modules deployed over the API and of which unfinished jobs use them. */
  public ModuleQueries modules() {
    return modules;
  }

  /** Reads of the replicated run history. */
  public HistoryQueries history() {
    return history;
  }

  public Optional<Job> get(long seq) throws SQLException {
    return pool.read(c -> {
      PreparedStatement ps = pool.statement(c, GET);
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(JobRow.read(rs)) : Optional.empty();
      }
    });
  }

  /** When a job was created and its current attempt started, for timing metrics. */
  public record Times(long createdAt, Long startedAt, int attempt) {}

  /** {@link Times} of one job: three columns, not the whole row (read once per claim and outcome). */
  public Optional<Times> times(long seq) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT created_at, started_at, attempt FROM jobs WHERE seq = ?")) {
        ps.setLong(1, seq);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          long created = rs.getLong(1);
          long started = rs.getLong(2);
          Long startedAt = rs.wasNull() ? null : started;
          return Optional.of(new Times(created, startedAt, rs.getInt(3)));
        }
      }
    });
  }

  /** Up to {@code limit} jobs with {@code seq > afterSeq}, in seq order, optionally of one status. */
  public List<Job> page(JobStatus status, long afterSeq, int limit) throws SQLException {
    return pool.read(c -> {
      String sql = "SELECT " + JobRow.COLUMNS + " FROM jobs WHERE seq > ?"
          + (status == null ? "" : " AND status = ?") + " ORDER BY seq LIMIT ?";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        ps.setLong(i++, afterSeq);
        if (status != null) {
          ps.setString(i++, status.name());
        }
        ps.setInt(i, limit);
        return JobRow.list(ps, limit);
      }
    });
  }

  /** Streams every job in seq order to {@code sink}, from one consistent read transaction. */
  public void forEach(Consumer<Job> sink) throws SQLException {
    pool.read(c -> {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("SELECT " + JobRow.COLUMNS + " FROM jobs ORDER BY seq");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sink.accept(JobRow.read(rs));
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
      return null;
    });
  }

  /** The maintained per-status counters; exact as of the last applied entry. */
  public Map<JobStatus, Long> counts() throws SQLException {
    return pool.read(c -> {
      Map<JobStatus, Long> out = new EnumMap<>(JobStatus.class);
      try (PreparedStatement ps = c.prepareStatement("SELECT status, count FROM job_counts");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(JobStatus.valueOf(rs.getString(1)), rs.getLong(2));
        }
      }
      return out;
    });
  }

  /**
   * The earliest run-at time of the runnable jobs (Pending or Retrying), or null if there are none:
   * at or before now means a claim would find work.
   */
  public Long nextRunAt() throws SQLException {
    return pool.read(c -> {
      try (ResultSet rs = pool.statement(c, NEXT_RUN_AT).executeQuery()) {
        long v = rs.getLong(1);
        return rs.wasNull() ? null : v;
      }
    });
  }

  /** Whether some job finished (Completed, Failed or Cancelled) before {@code finishedBefore}. */
  public boolean hasPurgeable(long finishedBefore) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM jobs INDEXED BY jobs_finished"
          + " WHERE status IN ('Completed', 'Failed', 'Cancelled') AND finished_at < ? LIMIT 1")) {
        ps.setLong(1, finishedBefore);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /** Whether a lease ended before {@code now} or a live worker went silent before {@code deadBefore}. */
  public boolean needsReaping(long now, long deadBefore) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT EXISTS (SELECT 1 FROM jobs INDEXED BY jobs_leased WHERE status = 'InProgress' AND lease_until < ?)"
              + " OR EXISTS (SELECT 1 FROM heartbeats WHERE status = 'alive' AND last_seen < ?)")) {
        ps.setLong(1, now);
        ps.setLong(2, deadBefore);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.getBoolean(1);
        }
      }
    });
  }

  /** Up to {@code limit} log lines of job {@code seq} after line {@code afterId}, oldest first. */
  public List<LogLine> logs(long seq, long afterId, int limit) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id, at, attempt, level, message FROM job_logs WHERE job_seq = ? AND id > ?"
              + " ORDER BY id LIMIT ?")) {
        ps.setLong(1, seq);
        ps.setLong(2, afterId);
        ps.setInt(3, limit);
        List<LogLine> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new LogLine(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getInt(4), rs.getString(5)));
          }
        }
        return out;
      }
    });
  }

  /** The id of the live (unrevoked) ticket whose token has this SHA-256, if there is one. */
  public Optional<String> liveTicketId(String tokenSha256) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id FROM tickets WHERE token_sha256 = ? AND revoked_at IS NULL")) {
        ps.setString(1, tokenSha256);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  /** Every ticket, oldest first: id, label, created, revoked (no tokens, not even their hashes). */
  public List<Ticket> tickets() throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id, label, created_at, revoked_at, labels FROM tickets ORDER BY created_at, id");
           ResultSet rs = ps.executeQuery()) {
        List<Ticket> out = new ArrayList<>();
        while (rs.next()) {
          long revoked = rs.getLong(4);
          Long revokedAt = rs.wasNull() ? null : revoked; // asked right after column 4, not after 3
          out.add(new Ticket(rs.getString(1), rs.getString(2), rs.getLong(3), revokedAt,
              io.mvmci.job.Labels.split(rs.getString(5))));
        }
        return out;
      }
    });
  }

  /**
   * A node or worker as its heartbeats left it: {@code kind} node | remote, {@code status}
   * alive | dead, and its capacity, running jobs and labels at its last beat.
   */
  public record Worker(String workerId, Integer nodeId, String kind, long startedAt, long lastSeen,
      String status, int capacity, int running, List<String> labels) {}

  /** Every worker that ever beat, by id (a dead one until it beats again). */
  public List<Worker> workers() throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT worker_id, node_id, kind, started_at, last_seen, status, capacity, running, labels"
              + " FROM heartbeats ORDER BY worker_id");
           ResultSet rs = ps.executeQuery()) {
        List<Worker> out = new ArrayList<>();
        while (rs.next()) {
          int node = rs.getInt(2);
          out.add(new Worker(rs.getString(1), rs.wasNull() ? null : node, rs.getString(3), rs.getLong(4),
              rs.getLong(5), rs.getString(6), rs.getInt(7), rs.getInt(8), io.mvmci.job.Labels.split(rs.getString(9))));
        }
        return out;
      }
    });
  }

  /** A worker ticket as an operator sees it; {@code labels}: the only ones its holder may use (empty: any). */
  public record Ticket(String id, String label, long createdAt, Long revokedAt, List<String> labels) {}

  /** The jobs {@code workerId} holds a claim on now (InProgress under its name), by seq. */
  public List<Job> claimsHeld(String workerId) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + JobRow.COLUMNS + " FROM jobs INDEXED BY jobs_leased"
          + " WHERE status = 'InProgress' AND worker_id = ? ORDER BY seq")) {
        ps.setString(1, workerId);
        return JobRow.list(ps, 10);
      }
    });
  }

  /** Unfinished jobs of {@code workflow} whose current execution has history, oldest first, at most {@code max}. */
  public List<Job> unfinishedWithHistory(String workflow, int max) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + JobRow.COLUMNS + " FROM jobs INDEXED BY jobs_by_status"
          + " WHERE status IN ('Pending', 'InProgress', 'Retrying') AND workflow = ? AND history_steps > 0"
          + " ORDER BY seq LIMIT ?")) {
        ps.setString(1, workflow);
        ps.setInt(2, max);
        return JobRow.list(ps, max);
      }
    });
  }

  /** The state changes of one job, oldest first. */
  public List<JobEvent> events(long seq) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT at, status, attempt, reason, module_sha256 FROM job_events WHERE job_seq = ? ORDER BY id")) {
        ps.setLong(1, seq);
        List<JobEvent> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new JobEvent(rs.getLong(1), JobStatus.valueOf(rs.getString(2)), rs.getInt(3),
                rs.getString(4), rs.getString(5)));
          }
        }
        return out;
      }
    });
  }
}
