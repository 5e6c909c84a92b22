package io.mvmci.command;

import io.mvmci.job.JobStatus;
import io.mvmci.store.Meta;
import io.mvmci.store.QueueStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies committed log entries to the store's database. One entry (a batch of commands) is one
 * transaction, and the entry's term and index are written in that same transaction, so the database
 * always knows exactly which entries it holds. Each command applies itself ({@link Command#apply});
 * this class owns the transaction, the bookkeeping, and the runs of like commands that apply as one
 * statement.
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
  private static final String SET_META = "UPDATE meta SET value = ? WHERE key = ?";
  private static final String ADD_COUNT = "UPDATE job_counts SET count = count + ? WHERE status = ?";

  private final Connection w;
  private final Tx tx;
  private long appliedTerm;
  private long appliedIndex;
  private long nextJobSeq;

  /** A processor writing through {@code store}'s writer connection; the store outlives it. */
  public CommandProcessor(QueueStore store) throws SQLException {
    this.w = store.writer();
    this.tx = new Tx(w);
    Map<String, Long> meta = Meta.read(w);
    appliedTerm = meta.getOrDefault(Meta.APPLIED_TERM, 0L);
    appliedIndex = meta.getOrDefault(Meta.APPLIED_INDEX, 0L);
    nextJobSeq = meta.getOrDefault(Meta.NEXT_JOB_SEQ, 0L);
    w.commit();
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
    tx.begin(index, nextJobSeq);
    EntryResults results = new EntryResults(batch.size());
    try {
      for (int i = 0; i < batch.size(); ) {
        int end = runOfLikeCommands(batch, i);
        if (end - i > 1) {
          results.addAll(applyRun(batch.subList(i, end)));
        } else {
          results.add(batch.get(i).apply(tx));
        }
        i = end;
      }
      for (Map.Entry<JobStatus, Long> d : tx.countDeltas.entrySet()) {
        if (d.getValue() != 0) {
          PreparedStatement addCount = tx.sql(ADD_COUNT);
          addCount.setLong(1, d.getValue());
          addCount.setString(2, d.getKey().name());
          addCount.executeUpdate();
        }
      }
      meta(Meta.APPLIED_TERM, term);
      meta(Meta.APPLIED_INDEX, index);
      if (tx.nextJobSeq != nextJobSeq) {
        meta(Meta.NEXT_JOB_SEQ, tx.nextJobSeq);
      }
      w.commit();
    } catch (SQLException | RuntimeException e) {
      rollback(e);
      throw e;
    }
    appliedTerm = term;
    appliedIndex = index;
    nextJobSeq = tx.nextJobSeq;
    results.followUps.addAll(tx.followUps);
    return results;
  }

  /**
   * Rolls the failed entry back, and makes sure the next one runs in a transaction. SQLite rolls a
   * transaction back itself on some errors (SQLITE_FULL, SQLITE_IOERR); sqlite-jdbc's rollback then
   * fails ("no transaction is active") and skips beginning the next one, which would leave the writer
   * committing every statement on its own: a retried entry would then half-apply.
   */
  private void rollback(Exception cause) {
    try {
      w.rollback();
    } catch (SQLException suppressed) {
      cause.addSuppressed(suppressed);
      try (java.sql.Statement begin = w.createStatement()) {
        begin.execute("BEGIN");
      } catch (SQLException again) {
        cause.addSuppressed(again); // a transaction is open after all
      }
    }
  }

  /** Records an entry that carries no commands (Ratis's own), unless it was recorded before. */
  public void advance(long term, long index) throws SQLException {
    if (index <= appliedIndex) {
      return;
    }
    try {
      meta(Meta.APPLIED_TERM, term);
      meta(Meta.APPLIED_INDEX, index);
      w.commit();
    } catch (SQLException e) {
      rollback(e);
      throw e;
    }
    appliedTerm = term;
    appliedIndex = index;
  }

  /**
   * Tells {@code effects} what each command of an applied entry did (see {@link Command#announce}).
   * After {@link #apply} returned, so only committed work is announced.
   */
  public static void announce(List<Command> batch, List<Result> results, Effects effects) {
    for (int i = 0; i < batch.size() && i < results.size(); i++) {
      batch.get(i).announce(results.get(i), effects);
    }
    if (results instanceof EntryResults entry) {
      entry.followUps.forEach(f -> f.accept(effects));
    }
  }

  /**
   * An entry's results, one per command, and what the entry did beyond them (runs woken, children
   * cancelled with their parent), announced after them.
   */
  private static final class EntryResults extends ArrayList<Result> {
    private static final long serialVersionUID = 1L;
    final transient List<java.util.function.Consumer<Effects>> followUps = new ArrayList<>(0);

    EntryResults(int size) {
      super(size);
    }
  }

  /**
   * The end of the run of commands from {@code start} that apply as one batch: keyless submissions
   * ({@link SubmitJob#applyAll}) or completions ({@link CompleteJob#applyAll}). A run of one is
   * applied as itself.
   */
  private static int runOfLikeCommands(List<Command> batch, int start) {
    Command first = batch.get(start);
    int end = start + 1;
    if (first instanceof SubmitJob s && s.batches()) {
      while (end < batch.size() && batch.get(end) instanceof SubmitJob n && n.batches()) {
        end++;
      }
    } else if (first instanceof CompleteJob) {
      while (end < batch.size() && batch.get(end) instanceof CompleteJob) {
        end++;
      }
    }
    return end;
  }

  @SuppressWarnings("unchecked")
  private List<Result> applyRun(List<Command> run) throws SQLException {
    return run.get(0) instanceof SubmitJob
        ? SubmitJob.applyAll((List<SubmitJob>) (List<?>) run, tx)
        : CompleteJob.applyAll((List<CompleteJob>) (List<?>) run, tx);
  }

  private void meta(String key, long value) throws SQLException {
    PreparedStatement setMeta = tx.sql(SET_META);
    setMeta.setLong(1, value);
    setMeta.setString(2, key);
    setMeta.executeUpdate();
  }

  /** Closes the prepared statements; the store (and its connection) is closed by its owner. */
  @Override
  public void close() throws SQLException {
    tx.close();
  }
}
