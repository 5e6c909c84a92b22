package io.mvmci.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads of waiting runs, the signals sent to jobs, and child jobs, on the read-only pool. */
public final class WaitQueries {
  private final ReadPool pool;

  WaitQueries(ReadPool pool) {
    this.pool = pool;
  }

  /** A signal sent to a job. */
  public record Signal(long id, long jobSeq, String name, String payload, String idempotencyKey, long at) {}

  /** The first signal named {@code name} sent to job {@code seq} with an id above {@code afterId}. */
  public Optional<Signal> nextSignal(long seq, String name, long afterId) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("""
          SELECT id, job_seq, name, payload, idempotency_key, at FROM job_signals INDEXED BY job_signals_by_name
          WHERE job_seq = ? AND name = ? AND id > ? ORDER BY id LIMIT 1""")) {
        ps.setLong(1, seq);
        ps.setString(2, name);
        ps.setLong(3, afterId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(signal(rs)) : Optional.empty();
        }
      }
    });
  }

  /** The signal job {@code seq} was sent with id {@code id}. */
  public Optional<Signal> signal(long seq, long id) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id, job_seq, name, payload, idempotency_key, at FROM job_signals WHERE id = ? AND job_seq = ?")) {
        ps.setLong(1, id);
        ps.setLong(2, seq);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(signal(rs)) : Optional.empty();
        }
      }
    });
  }

  /** The signals sent to job {@code seq}, oldest first, at most {@code limit}. */
  public List<Signal> signals(long seq, int limit) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("""
          SELECT id, job_seq, name, payload, idempotency_key, at FROM job_signals
          WHERE job_seq = ? ORDER BY id LIMIT ?""")) {
        ps.setLong(1, seq);
        ps.setInt(2, limit);
        List<Signal> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(signal(rs));
          }
        }
        return out;
      }
    });
  }

  /** The seqs of the children of job {@code seq}, in order, at most {@code limit}. */
  public List<Long> children(long seq, int limit) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT seq FROM jobs INDEXED BY jobs_children WHERE parent_seq = ? ORDER BY seq LIMIT ?")) {
        ps.setLong(1, seq);
        ps.setInt(2, limit);
        List<Long> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getLong(1));
          }
        }
        return out;
      }
    });
  }

  /** When the earliest Waiting job's timer (or wait's timeout) is due, or null if none has one. */
  public Long nextWakeAt() throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT min(wake_at) FROM jobs INDEXED BY jobs_waking WHERE status = 'Waiting'")) {
        try (ResultSet rs = ps.executeQuery()) {
          long v = rs.next() ? rs.getLong(1) : 0;
          return rs.wasNull() ? null : v;
        }
      }
    });
  }

  /** What Waiting jobs wait for: their number, and the earliest wake-up, by kind. */
  public record Waiting(long jobs, Long nextWakeAt) {}

  /** Waiting jobs by what they wait for ({@code timer}, {@code signal}, {@code job}). */
  public Map<String, Waiting> waitingByKind() throws SQLException {
    return pool.read(c -> {
      Map<String, Waiting> out = new LinkedHashMap<>();
      for (String kind : List.of("timer", "signal", "job")) {
        out.put(kind, new Waiting(0, null));
      }
      try (PreparedStatement ps = c.prepareStatement("""
          SELECT CASE WHEN instr(waiting_for, ':') > 0 THEN substr(waiting_for, 1, instr(waiting_for, ':') - 1)
                      ELSE waiting_for END AS kind, count(*), min(wake_at)
          FROM jobs INDEXED BY jobs_waiting_for WHERE status = 'Waiting' GROUP BY kind""")) {
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long next = rs.getLong(3);
            out.put(rs.getString(1), new Waiting(rs.getLong(2), rs.wasNull() ? null : next));
          }
        }
      }
      return out;
    });
  }

  private static Signal signal(ResultSet rs) throws SQLException {
    return new Signal(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6));
  }
}
