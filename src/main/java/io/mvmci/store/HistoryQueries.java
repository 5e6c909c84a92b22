package io.mvmci.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads of the replicated run history ({@code job_steps}), on the read-only pool. */
public final class HistoryQueries {
  private final ReadPool pool;

  HistoryQueries(ReadPool pool) {
    this.pool = pool;
  }

  /**
   * A recorded step, as a resumed run replays it or a person reads it.
   *
   * @param resultBytes the length of the result; {@code result} is null unless it was asked for
   */
  public record Step(int execution, int seq, int attempt, String kind, byte[] digest, String summary,
      boolean done, int code, long resultBytes, long startedAt, Long finishedAt, byte[] result) {}

  /** Every step of one execution of a job, in order, without their results (a resume's headers). */
  public List<Step> steps(long jobSeq, int execution) throws SQLException {
    return select("WHERE job_seq = ? AND execution = ? ORDER BY seq", false, jobSeq, execution);
  }

  /** Every step of every execution of a job, in order; with their results if {@code results}. */
  public List<Step> all(long jobSeq, boolean results) throws SQLException {
    return select("WHERE job_seq = ? ORDER BY execution, seq", results, jobSeq);
  }

  /** The result of one step, if it is recorded. */
  public Optional<byte[]> result(long jobSeq, int execution, int seq) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT result FROM job_steps WHERE job_seq = ? AND execution = ? AND seq = ?")) {
        ps.setLong(1, jobSeq);
        ps.setInt(2, execution);
        ps.setInt(3, seq);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
        }
      }
    });
  }

  private List<Step> select(String where, boolean results, Object... args) throws SQLException {
    String sql = "SELECT execution, seq, attempt, kind, digest, summary, done, code, length(result),"
        + " started_at, finished_at" + (results ? ", result" : "") + " FROM job_steps " + where;
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          ps.setObject(i + 1, args[i]);
        }
        List<Step> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long finished = rs.getLong(11);
            Long finishedAt = rs.wasNull() ? null : finished;
            out.add(new Step(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getString(4), rs.getBytes(5),
                rs.getString(6), rs.getInt(7) == 1, rs.getInt(8), rs.getLong(9), rs.getLong(10), finishedAt,
                results ? rs.getBytes(12) : null));
          }
        }
        return out;
      }
    });
  }
}
