package io.mvmci.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads of artifact metadata ({@code job_artifacts}, see artifact/DESIGN.md), on the read-only pool. */
public final class ArtifactQueries {
  private final ReadPool pool;

  ArtifactQueries(ReadPool pool) {
    this.pool = pool;
  }

  /**
   * One stored artifact.
   *
   * @param holders where the bytes are kept: {@code nodes:1,2,3} or {@code s3:bucket/key}
   */
  public record Row(long jobSeq, String name, long size, String sha256, String holders, long createdAt) {}

  private static final String COLUMNS = "job_seq, name, size, sha256, holders, created_at";

  /** A job's artifacts, by name. */
  public List<Row> list(long jobSeq) throws SQLException {
    return select("SELECT " + COLUMNS + " FROM job_artifacts WHERE job_seq = ? ORDER BY name", jobSeq);
  }

  public Optional<Row> get(long jobSeq, String name) throws SQLException {
    return select("SELECT " + COLUMNS + " FROM job_artifacts WHERE job_seq = ? AND name = ?", jobSeq, name)
        .stream().findFirst();
  }

  /** Whether any artifact refers to this blob (the blob sweep keeps it then). */
  public boolean referenced(String sha256) throws SQLException {
    return !select("SELECT " + COLUMNS + " FROM job_artifacts WHERE sha256 = ? LIMIT 1", sha256).isEmpty();
  }

  private List<Row> select(String sql, Object... args) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          ps.setObject(i + 1, args[i]);
        }
        List<Row> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Row(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getLong(6)));
          }
        }
        return out;
      }
    });
  }
}
