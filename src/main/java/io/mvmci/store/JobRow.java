package io.mvmci.store;

import io.mvmci.job.ConcurrencyPolicy;
import io.mvmci.job.Dispatch;
import io.mvmci.job.Job;
import io.mvmci.job.JobStatus;
import io.mvmci.job.Labels;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A row of the jobs table as a {@link Job}: the columns every read of whole jobs selects
 * ({@link #COLUMNS}) and how a row of them becomes a job. {@link JobQueries} and {@link JobReads} select
 * jobs by different keys and filters but always these columns; the select list and its mapping stay
 * together here, so that a column the table gains is added to both at once.
 */
final class JobRow {
  static final String COLUMNS = """
      seq, status, workflow, input, url, priority, run_at, attempt, failures, max_attempts, timeout_ms,
      worker_id, lease_until, progress, progress_message, output, error, reason, idempotency_key,
      created_at, updated_at, started_at, finished_at, module_sha256, pinned_sha256, execution,
      history_steps, waiting_for, wake_at, parent_seq, detached, labels, concurrency_key, concurrency_limit,
      concurrency_policy""";

  private JobRow() {}

  /** The jobs {@code ps} selects ({@link #COLUMNS}), in its order; {@code expected} sizes the list. */
  static List<Job> list(PreparedStatement ps, int expected) throws SQLException {
    List<Job> out = new ArrayList<>(Math.min(expected, 1024));
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(read(rs));
      }
    }
    return out;
  }

  /** The job at {@code rs}'s current row, selected as {@link #COLUMNS}. */
  static Job read(ResultSet rs) throws SQLException {
    int i = 1;
    return new Job(
        rs.getLong(i++),
        JobStatus.valueOf(rs.getString(i++)),
        rs.getString(i++),
        rs.getString(i++),
        rs.getString(i++),
        rs.getInt(i++),
        rs.getLong(i++),
        rs.getInt(i++),
        rs.getInt(i++),
        rs.getInt(i++),
        rs.getLong(i++),
        rs.getString(i++),
        nullableLong(rs, i++),
        nullableInt(rs, i++),
        rs.getString(i++),
        rs.getString(i++),
        rs.getString(i++),
        rs.getString(i++),
        rs.getString(i++),
        rs.getLong(i++),
        rs.getLong(i++),
        nullableLong(rs, i++),
        nullableLong(rs, i++),
        rs.getString(i++),
        rs.getString(i++),
        rs.getInt(i++),
        rs.getInt(i++),
        rs.getString(i++),
        nullableLong(rs, i++),
        nullableLong(rs, i++),
        rs.getInt(i++) != 0,
        dispatch(rs, i));
  }

  /** The dispatch columns from {@code i} on (labels, concurrency key, limit, policy). */
  private static Dispatch dispatch(ResultSet rs, int i) throws SQLException {
    String labels = rs.getString(i);
    String key = rs.getString(i + 1);
    if (labels == null && key == null) {
      return Dispatch.NONE;
    }
    return new Dispatch(Labels.split(labels), key, key == null ? 1 : rs.getInt(i + 2),
        key == null ? ConcurrencyPolicy.QUEUE : ConcurrencyPolicy.parse(rs.getString(i + 3)));
  }

  private static Long nullableLong(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : v;
  }

  private static Integer nullableInt(ResultSet rs, int i) throws SQLException {
    int v = rs.getInt(i);
    return rs.wasNull() ? null : v;
  }
}
