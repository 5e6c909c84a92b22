package io.mvmci.store;

import io.mvmci.command.CancelJob;
import io.mvmci.command.ClaimJobs;
import io.mvmci.command.Command;
import io.mvmci.command.CompleteJob;
import io.mvmci.command.DeployModule;
import io.mvmci.command.ExpireLeases;
import io.mvmci.command.FailJob;
import io.mvmci.command.Heartbeat;
import io.mvmci.command.IssueTicket;
import io.mvmci.command.PurgeJobs;
import io.mvmci.command.ReleaseJob;
import io.mvmci.command.ReportProgress;
import io.mvmci.command.RevokeTicket;
import io.mvmci.command.Result;
import io.mvmci.command.SubmitJob;
import io.mvmci.job.JobStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies committed log entries to SQLite. One entry (a batch of commands) is one transaction, and
 * the entry's term and index are written in that same transaction, so the database always knows
 * exactly which entries it holds.
 *
 * <p>Invariant: an entry whose index is not above the stored applied index is skipped. Raft replays
 * the log from the last snapshot when a node restarts; SQLite may already hold those entries.
 *
 * <p>Threading: one thread only (Ratis's state machine updater).
 *
 * <p>Errors: a business rejection is a {@link Result.Rejected}. A {@link SQLException} means the node
 * can no longer apply deterministically; the transaction is rolled back and the exception propagates
 * so that the caller stops the node.
 */
public final class CommandProcessor implements AutoCloseable {
  private final Connection w;
  private final JobRows rows;
  private final JobWriter jobs;
  private final LeaseWriter leases;
  private final OutcomeWriter outcomes;
  private final TicketWriter tickets;
  private final ModuleWriter modules;
  private final PreparedStatement setMeta;
  private final PreparedStatement addCount;
  private long appliedTerm;
  private long appliedIndex;
  private long nextJobSeq;

  CommandProcessor(Connection w) throws SQLException {
    this.w = w;
    this.rows = new JobRows(w);
    this.jobs = new JobWriter(w, rows);
    this.leases = new LeaseWriter(w, rows);
    this.outcomes = new OutcomeWriter(w, rows);
    this.tickets = new TicketWriter(w);
    this.modules = new ModuleWriter(w);
    this.setMeta = w.prepareStatement("UPDATE meta SET value = ? WHERE key = ?");
    this.addCount = w.prepareStatement("UPDATE job_counts SET count = count + ? WHERE status = ?");
    Map<String, Long> meta = readMeta(w);
    appliedTerm = meta.getOrDefault("applied_term", 0L);
    appliedIndex = meta.getOrDefault("applied_index", 0L);
    nextJobSeq = meta.getOrDefault("next_job_seq", 0L);
    w.commit();
  }

  /** The {@code meta} table of the database {@code c} is connected to: applied term and index, next seq. */
  static Map<String, Long> readMeta(Connection c) throws SQLException {
    Map<String, Long> meta = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT key, value FROM meta")) {
      while (rs.next()) {
        meta.put(rs.getString(1), rs.getLong(2));
      }
    }
    return meta;
  }

  public long appliedIndex() {
    return appliedIndex;
  }

  public long appliedTerm() {
    return appliedTerm;
  }

  /**
   * Applies one log entry. Returns one result per command, or null if the entry was applied before.
   */
  public List<Result> apply(long term, long index, List<Command> batch) throws SQLException {
    if (index <= appliedIndex) {
      return null;
    }
    ApplyContext ctx = new ApplyContext(nextJobSeq);
    List<Result> results = new ArrayList<>(batch.size());
    try {
      for (int i = 0; i < batch.size(); ) {
        int end = runOfLikeCommands(batch, i);
        if (end - i > 1) {
          results.addAll(applyRun(batch.subList(i, end), ctx));
        } else {
          results.add(dispatch(batch.get(i), ctx));
        }
        i = end;
      }
      for (Map.Entry<JobStatus, Long> d : ctx.countDeltas.entrySet()) {
        if (d.getValue() != 0) {
          addCount.setLong(1, d.getValue());
          addCount.setString(2, d.getKey().name());
          addCount.executeUpdate();
        }
      }
      meta("applied_term", term);
      meta("applied_index", index);
      if (ctx.nextJobSeq != nextJobSeq) {
        meta("next_job_seq", ctx.nextJobSeq);
      }
      w.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        w.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    appliedTerm = term;
    appliedIndex = index;
    nextJobSeq = ctx.nextJobSeq;
    return results;
  }

  /** Records an entry that carries no commands (Ratis's own), unless it was recorded before. */
  public void advance(long term, long index) throws SQLException {
    if (index <= appliedIndex) {
      return;
    }
    try {
      meta("applied_term", term);
      meta("applied_index", index);
      w.commit();
    } catch (SQLException e) {
      w.rollback();
      throw e;
    }
    appliedTerm = term;
    appliedIndex = index;
  }

  /**
   * The end of the run of commands from {@code start} that apply as one batch: keyless submissions
   * ({@link JobWriter#submitAll}) or completions ({@link OutcomeWriter#completeAll}). A run of one
   * is applied as itself.
   */
  private static int runOfLikeCommands(List<Command> batch, int start) {
    Command first = batch.get(start);
    int end = start + 1;
    if (isKeylessSubmit(first)) {
      while (end < batch.size() && isKeylessSubmit(batch.get(end))) {
        end++;
      }
    } else if (first instanceof CompleteJob) {
      while (end < batch.size() && batch.get(end) instanceof CompleteJob) {
        end++;
      }
    }
    return end;
  }

  private static boolean isKeylessSubmit(Command c) {
    return c instanceof SubmitJob s && s.idempotencyKey() == null;
  }

  @SuppressWarnings("unchecked")
  private List<Result> applyRun(List<Command> run, ApplyContext ctx) throws SQLException {
    return run.get(0) instanceof SubmitJob
        ? jobs.submitAll((List<SubmitJob>) (List<?>) run, ctx)
        : outcomes.completeAll((List<CompleteJob>) (List<?>) run, ctx);
  }

  private Result dispatch(Command c, ApplyContext ctx) throws SQLException {
    if (c instanceof SubmitJob s) {
      return jobs.submit(s, ctx);
    } else if (c instanceof ClaimJobs claim) {
      return leases.claim(claim, ctx);
    } else if (c instanceof Heartbeat h) {
      return leases.heartbeat(h);
    } else if (c instanceof ReportProgress p) {
      return leases.progress(p);
    } else if (c instanceof CompleteJob done) {
      return outcomes.complete(done, ctx);
    } else if (c instanceof FailJob f) {
      return outcomes.fail(f, ctx);
    } else if (c instanceof ReleaseJob r) {
      return outcomes.release(r, ctx);
    } else if (c instanceof CancelJob cancel) {
      return jobs.cancel(cancel, ctx);
    } else if (c instanceof ExpireLeases e) {
      return leases.expire(e, ctx);
    } else if (c instanceof IssueTicket t) {
      return tickets.issue(t);
    } else if (c instanceof RevokeTicket t) {
      return tickets.revoke(t);
    } else if (c instanceof DeployModule d) {
      return modules.deploy(d);
    } else if (c instanceof PurgeJobs p) {
      return jobs.purge(p, ctx);
    }
    throw new IllegalStateException("no handler for " + c.getClass().getSimpleName());
  }

  private void meta(String key, long value) throws SQLException {
    setMeta.setLong(1, value);
    setMeta.setString(2, key);
    setMeta.executeUpdate();
  }

  @Override
  public void close() throws SQLException {
    jobs.close();
    leases.close();
    outcomes.close();
    tickets.close();
    modules.close();
    rows.close();
    setMeta.close();
    addCount.close();
  }
}
