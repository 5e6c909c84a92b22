package io.mvmci.command;

import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * What a command's {@link Command#apply} works with: the writer connection inside the entry's
 * transaction, prepared statements cached by their SQL text, the job rows' shared reads and events,
 * and the state one entry accumulates and writes once at commit (the next job sequence number and the
 * changes to the per-status counters).
 *
 * <p>Threading: the apply thread only. Apply reads no clock and draws no random number: everything
 * not already in the database comes from the command.
 */
public final class Tx implements AutoCloseable {
  private final Connection c;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final Map<String, RowBatches> batches = new HashMap<>();
  final JobRows rows;
  long nextJobSeq;
  final Map<JobStatus, Long> countDeltas = new EnumMap<>(JobStatus.class);
  /**
   * The latest stored version of each module name, read from {@code modules} when first needed and
   * dropped whenever a module command writes that table, so it always equals what the table says
   * (a rolled-back entry leaves it dropped, and it is read again).
   */
  private Map<String, String> latestModules;

  Tx(Connection c) {
    this.c = c;
    this.rows = new JobRows(this);
  }

  private long index;

  /** Starts the bookkeeping of the entry at log index {@code index}. */
  void begin(long index, long nextJobSeq) {
    this.index = index;
    this.nextJobSeq = nextJobSeq;
    countDeltas.clear();
    followUps.clear();
  }

  /** The log index of the entry being applied: the same on every member, so a command may record it. */
  long index() {
    return index;
  }

  /** The statement for {@code sql}, prepared once per connection. */
  PreparedStatement sql(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = c.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  /** The multi-row statements named {@code key}, prepared once per connection (see RowBatches). */
  RowBatches batch(String key, IntFunction<String> sql) throws SQLException {
    RowBatches b = batches.get(key);
    if (b == null) {
      b = new RowBatches(c, sql);
      batches.put(key, b);
    }
    return b;
  }

  /**
   * Whether any job has a parent, and whether any run waits for a job: each read once and then kept.
   * They only ever turn true (a child's submission, a run suspended on a job), so a cluster without
   * child jobs pays no lookup per finished job. A rolled-back entry may leave one true with no such row
   * in the table, which costs a query, not a result.
   */
  private Boolean anyChildren;
  private Boolean anyJobWaits;

  private Boolean anyGroups;

  /** Whether any job names a concurrency group (read once, then kept; see anyChildren). */
  boolean anyGroups() throws SQLException {
    if (anyGroups == null) {
      anyGroups = JobRows.exists(this, JobRows.ANY_GROUP);
    }
    return anyGroups;
  }

  void groupSubmitted() {
    anyGroups = true;
  }

  boolean anyChildren() throws SQLException {
    if (anyChildren == null) {
      anyChildren = JobRows.exists(this, JobRows.ANY_CHILD);
    }
    return anyChildren;
  }

  void childSubmitted() {
    anyChildren = true;
  }

  boolean anyJobWaits() throws SQLException {
    if (anyJobWaits == null) {
      anyJobWaits = JobRows.exists(this, JobRows.ANY_JOB_WAIT);
    }
    return anyJobWaits;
  }

  void jobWaitAdded() {
    anyJobWaits = true;
  }

  /**
   * What the entry did beyond each command's own result (a waiting run woken, a child cancelled with
   * its parent): announced after the commands' own effects, once the entry committed.
   */
  final List<java.util.function.Consumer<Effects>> followUps = new ArrayList<>();

  void followUp(java.util.function.Consumer<Effects> effect) {
    followUps.add(effect);
  }

  /** Name to sha-256 of the latest stored version of every module (see the field). */
  Map<String, String> latestModules() throws SQLException {
    if (latestModules == null) {
      Map<String, String> latest = new HashMap<>();
      try (java.sql.ResultSet rs = sql("SELECT name, sha256 FROM modules ORDER BY id").executeQuery()) {
        while (rs.next()) {
          latest.put(rs.getString(1), rs.getString(2));
        }
      }
      latestModules = latest;
    }
    return latestModules;
  }

  /** The modules table is about to change: {@link #latestModules} is read again when next needed. */
  void modulesChanged() {
    latestModules = null;
  }

  /** Runs a statement that takes no parameter and returns no row (a savepoint, say). */
  void execute(String sql) throws SQLException {
    sql(sql).execute();
  }

  /** A job moved from {@code from} (null for a new job) to {@code to}: counters follow. */
  void moved(JobStatus from, JobStatus to) {
    if (from != null) {
      countDeltas.merge(from, -1L, Long::sum);
    }
    countDeltas.merge(to, 1L, Long::sum);
  }

  /** A job of this status was deleted (retention). */
  void removed(JobStatus from) {
    countDeltas.merge(from, -1L, Long::sum);
  }

  /**
   * The rejection of a transition the table in {@link JobStatus} does not allow, or null if it is
   * allowed. Every single-job transition in apply asks this before it writes.
   */
  static Result.Rejected illegal(long seq, JobStatus from, JobStatus to) {
    String why = from.refusal(to);
    return why == null ? null
        : new Result.Rejected(Result.Reason.ILLEGAL_TRANSITION, JobId.format(seq) + " " + why);
  }

  /**
   * {@code 'A', 'B'}: the states the table lets become {@code to}, as the list of a
   * {@code status IN (...)} clause, for statements that move many rows at once.
   */
  static String statesThatCanBecome(JobStatus to) {
    List<String> quoted = new ArrayList<>();
    for (JobStatus s : JobStatus.from(to)) {
      quoted.add("'" + s.name() + "'");
    }
    return String.join(", ", quoted);
  }

  static void setNullable(PreparedStatement ps, int i, String v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.VARCHAR);
    } else {
      ps.setString(i, v);
    }
  }

  @Override
  public void close() throws SQLException {
    SQLException first = null;
    for (PreparedStatement ps : statements.values()) {
      try {
        ps.close();
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    for (RowBatches b : batches.values()) {
      try {
        b.close();
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    statements.clear();
    batches.clear();
    if (first != null) {
      throw first;
    }
  }
}
