package io.mvmci.command;

import io.mvmci.job.JobId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * Records that job {@code seq} stored artifact {@code name}: {@code size} bytes whose SHA-256 is
 * {@code sha256}, kept at {@code holders} ({@code nodes:1,2,3} or {@code s3:bucket/key}). The bytes
 * reached the holders before this entry was proposed (artifact/DESIGN.md): in a cluster this command
 * is the header of a Ratis DataStream, and the entry is the stream's link.
 *
 * <p>The same name with the same hash is a duplicate (a replayed run): answered, nothing changes.
 * The same name with another hash points the name at the new blob. The per-job caps are stamped by
 * the proposer so that apply decides them from the replicated state alone.
 *
 * @param maxJobBytes the most bytes a job's artifacts may hold together
 * @param maxPerJob the most artifacts a job may hold
 */
public record RecordArtifact(long at, long seq, String name, long size, String sha256, String holders,
    long maxJobBytes, int maxPerJob) implements Command {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final String JOB = "SELECT 1 FROM jobs WHERE seq = ?";
  private static final String EXISTING = "SELECT sha256, size FROM job_artifacts WHERE job_seq = ? AND name = ?";
  private static final String TOTALS = "SELECT count(*), coalesce(sum(size), 0) FROM job_artifacts WHERE job_seq = ?";
  private static final String UPSERT = """
      INSERT INTO job_artifacts (job_seq, name, size, sha256, holders, created_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (job_seq, name) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256,
        holders = excluded.holders, created_at = excluded.created_at""";

  public RecordArtifact {
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits: " + sha256);
    }
    if (size < 0 || name.isEmpty()) {
      throw new IllegalArgumentException("artifact " + name + " of " + size + " bytes");
    }
  }

  @Override
  public CommandType type() {
    return CommandType.RECORD_ARTIFACT;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).i64(seq).str(name).i64(size).str(sha256).str(holders).i64(maxJobBytes).i32(maxPerJob);
  }

  static RecordArtifact read(WireReader r) {
    try {
      return new RecordArtifact(r.i64(), r.i64(), r.str(), r.i64(), r.str(), r.str(), r.i64(), r.i32());
    } catch (IllegalArgumentException e) {
      throw new MalformedCommandException(e.getMessage());
    }
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    PreparedStatement job = tx.sql(JOB);
    job.setLong(1, seq);
    try (ResultSet rs = job.executeQuery()) {
      if (!rs.next()) {
        return new Result.Rejected(Result.Reason.UNKNOWN_JOB, "no job " + JobId.format(seq));
      }
    }
    long replaced = -1;
    PreparedStatement existing = tx.sql(EXISTING);
    existing.setLong(1, seq);
    existing.setString(2, name);
    try (ResultSet rs = existing.executeQuery()) {
      if (rs.next()) {
        if (rs.getString(1).equals(sha256)) {
          return new Result.Ack();
        }
        replaced = rs.getLong(2);
      }
    }
    PreparedStatement totals = tx.sql(TOTALS);
    totals.setLong(1, seq);
    long count;
    long bytes;
    try (ResultSet rs = totals.executeQuery()) {
      count = rs.getLong(1) - (replaced >= 0 ? 1 : 0);
      bytes = rs.getLong(2) - Math.max(replaced, 0);
    }
    if (count + 1 > maxPerJob) {
      return new Result.Rejected(Result.Reason.LIMIT, JobId.format(seq) + " already has " + count
          + " artifacts, the most a job may have (artifacts.max_per_job = " + maxPerJob + ")");
    }
    if (bytes + size > maxJobBytes) {
      return new Result.Rejected(Result.Reason.LIMIT, JobId.format(seq) + "'s artifacts would hold "
          + (bytes + size) + " bytes, more than artifacts.max_job_bytes = " + maxJobBytes);
    }
    PreparedStatement upsert = tx.sql(UPSERT);
    upsert.setLong(1, seq);
    upsert.setString(2, name);
    upsert.setLong(3, size);
    upsert.setString(4, sha256);
    upsert.setString(5, holders);
    upsert.setLong(6, at);
    upsert.executeUpdate();
    return new Result.Ack();
  }

  @Override
  public void announce(Result result, Effects effects) {
    // readers find the row in the database; blobs are swept by each node on its own
  }
}
