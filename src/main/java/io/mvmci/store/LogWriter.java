package io.mvmci.store;

import io.mvmci.command.JobRef;
import io.mvmci.command.ReportProgress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Keeps the log lines of each job, replicated like everything else, and at most
 * {@value #LINES_PER_JOB} of them: the oldest go first.
 */
final class LogWriter implements AutoCloseable {
  static final int LINES_PER_JOB = 1_000;

  private final PreparedStatement insert;
  private final PreparedStatement trim;

  LogWriter(Connection w) throws SQLException {
    insert = w.prepareStatement(
        "INSERT INTO job_logs (job_seq, attempt, at, level, message) VALUES (?, ?, ?, ?, ?)");
    trim = w.prepareStatement("""
        DELETE FROM job_logs WHERE job_seq = ? AND id <= (
          SELECT id FROM job_logs WHERE job_seq = ? ORDER BY id DESC LIMIT 1 OFFSET ?)""");
  }

  void append(JobRef job, List<ReportProgress.Line> lines) throws SQLException {
    if (lines.isEmpty()) {
      return;
    }
    for (ReportProgress.Line l : lines) {
      insert.setLong(1, job.seq());
      insert.setInt(2, job.attempt());
      insert.setLong(3, l.at());
      insert.setInt(4, Math.max(0, Math.min(3, l.level())));
      insert.setString(5, l.text());
      insert.executeUpdate();
    }
    trim.setLong(1, job.seq());
    trim.setLong(2, job.seq());
    trim.setInt(3, LINES_PER_JOB);
    trim.executeUpdate();
  }

  @Override
  public void close() throws SQLException {
    insert.close();
    trim.close();
  }
}
