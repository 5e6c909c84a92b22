package io.mvmci.command;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The latest progress and the new log lines of some of a worker's runs, coalesced on the worker so
 * that a chatty workflow cannot flood the log. Reports under a stale claim are ignored and listed in
 * the answer.
 */
public record ReportProgress(long at, String workerId, List<Item> items) implements Command {
  /** Log lines kept per job; the oldest go first. */
  static final int LINES_PER_JOB = 1_000;

  private static final String PROGRESS =
      "UPDATE jobs SET progress = ?, progress_message = ?, updated_at = ? WHERE seq = ?";
  private static final String LOG_LINE =
      "INSERT INTO job_logs (job_seq, attempt, at, level, message) VALUES (?, ?, ?, ?, ?)";
  private static final String TRIM_LOG = """
      DELETE FROM job_logs WHERE job_seq = ? AND id <= (
        SELECT id FROM job_logs WHERE job_seq = ? ORDER BY id DESC LIMIT 1 OFFSET ?)""";

  /**
   * @param percent 0 to 100, or -1 when only log lines are reported
   * @param message the progress message ({@code ""} with percent -1)
   * @param lines log lines in the order the workflow wrote them
   */
  public record Item(JobRef job, int percent, String message, List<Line> lines) {
    public Item {
      lines = List.copyOf(lines);
    }

    void writeTo(WireWriter w) {
      job.writeTo(w);
      w.i32(percent).str(message);
      Lists.write(w, lines, Line::writeTo);
    }

    static Item read(WireReader r) {
      return new Item(JobRef.read(r), r.i32(), r.str(), Lists.read(r, Line::read));
    }
  }

  /** A log line: when (the worker's clock), level 0 debug to 3 error, and the text. */
  public record Line(long at, int level, String text) {
    void writeTo(WireWriter w) {
      w.i64(at).u8(level).str(text);
    }

    static Line read(WireReader r) {
      return new Line(r.i64(), r.u8(), r.str());
    }
  }

  public ReportProgress {
    items = List.copyOf(items);
  }

  @Override
  public CommandType type() {
    return CommandType.REPORT_PROGRESS;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workerId);
    Lists.write(w, items, Item::writeTo);
  }

  static ReportProgress read(WireReader r) {
    return new ReportProgress(r.i64(), r.str(), Lists.read(r, Item::read));
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    List<JobRef> stale = new ArrayList<>();
    for (Item item : items) {
      JobRef ref = item.job();
      JobRows.State s = tx.rows.load(ref.seq());
      if (s == null || s.staleness(workerId, ref) != null) {
        stale.add(ref);
        continue;
      }
      if (item.percent() >= 0) {
        PreparedStatement progress = tx.sql(PROGRESS);
        progress.setInt(1, Math.min(100, item.percent()));
        progress.setString(2, item.message());
        progress.setLong(3, at);
        progress.setLong(4, ref.seq());
        progress.executeUpdate();
      }
      appendLines(tx, ref, item.lines());
    }
    return new Result.Stale(stale);
  }

  private static void appendLines(Tx tx, JobRef job, List<Line> lines) throws SQLException {
    if (lines.isEmpty()) {
      return;
    }
    PreparedStatement insert = tx.sql(LOG_LINE);
    for (Line l : lines) {
      insert(insert, job, l.at(), l.level(), l.text());
    }
    trim(tx, job);
  }

  /** Keeps one more log line of {@code job} (a log step of its history), trimming the oldest. */
  static void appendLine(Tx tx, JobRef job, long at, int level, String text) throws SQLException {
    insert(tx.sql(LOG_LINE), job, at, level, text);
    trim(tx, job);
  }

  private static void insert(PreparedStatement insert, JobRef job, long at, int level, String text)
      throws SQLException {
    insert.setLong(1, job.seq());
    insert.setInt(2, job.attempt());
    insert.setLong(3, at);
    insert.setInt(4, Math.max(0, Math.min(3, level)));
    insert.setString(5, text);
    insert.executeUpdate();
  }

  private static void trim(Tx tx, JobRef job) throws SQLException {
    PreparedStatement trim = tx.sql(TRIM_LOG);
    trim.setLong(1, job.seq());
    trim.setLong(2, job.seq());
    trim.setInt(3, LINES_PER_JOB);
    trim.executeUpdate();
  }

  @Override
  public void announce(Result result, Effects effects) {
    // progress and log lines are read from the database; only the live views hear of them
    if (result instanceof Result.Stale s) {
      for (Item item : items) {
        if (!s.jobs().contains(item.job())) {
          effects.jobProgressed(item.job().seq());
        }
      }
    }
  }
}
