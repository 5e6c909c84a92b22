package io.mvmci.command;

import io.mvmci.job.JobStatus;
import io.mvmci.job.Reasons;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The leader's timers, at {@code at} by the leader's clock: up to {@code max} Waiting jobs whose timer
 * is due ({@code wake_at <= at}), earliest first, become Pending, to be claimed and replayed up to
 * their wait. A wake changes a job once: proposed again (a new leader, a retry), it finds nothing due.
 */
public record WakeJobs(long at, int max) implements Command {
  private static final String DUE = """
      SELECT seq, attempt, waiting_for, wake_at FROM jobs INDEXED BY jobs_waking
      WHERE status = 'Waiting' AND wake_at <= ? ORDER BY wake_at, seq LIMIT ?""";

  public WakeJobs {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, not " + max);
    }
  }

  @Override
  public CommandType type() {
    return CommandType.WAKE_JOBS;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).i32(max);
  }

  static WakeJobs read(WireReader r) {
    long at = r.i64();
    int max = r.i32();
    if (max < 1) {
      throw new MalformedCommandException("wake max " + max);
    }
    return new WakeJobs(at, max);
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    record Due(long seq, int attempt, String waitingFor, long wakeAt) {}
    List<Due> due = new ArrayList<>();
    PreparedStatement ps = tx.sql(DUE);
    ps.setLong(1, at);
    ps.setInt(2, max);
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        due.add(new Due(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getLong(4)));
      }
    }
    for (Due d : due) {
      String why = d.waitingFor().equals("timer") ? "its timer was due at " + java.time.Instant.ofEpochMilli(d.wakeAt())
          : "its wait for " + d.waitingFor() + " timed out at " + java.time.Instant.ofEpochMilli(d.wakeAt());
      JobRows.wake(tx, d.seq(), JobStatus.Waiting, at, d.attempt(), Reasons.woken(why));
      tx.followUp(e -> e.timerFired(d.seq(), d.wakeAt(), at));
    }
    return new Result.Woken(due.size());
  }

  @Override
  public void announce(Result result, Effects effects) {
    // each woken job's effects (work ready, the timer's lag) are the wake's follow-ups
  }
}
