package io.mvmci.store;

import io.mvmci.job.Job;
import io.mvmci.job.JobStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads for the dashboard and the live streams, each served by an index: jobs by id in one statement,
 * and pages filtered by status
 * ({@code jobs_by_status}), workflow ({@code jobs_by_workflow}) or label ({@code jobs_by_label_set},
 * one keyed read per matching label set, merged), in either order, by key.
 */
public final class JobReads {
  /** A read not keyed by label set. */
  private static final long NO_SET = -1;
  /**
   * Below this many jobs in the matching label sets, a page with a status or workflow filter as well
   * is read by label set; from it on, through the other filter's index.
   */
  static final int FEW = 4096;

  private final ReadPool pool;

  JobReads(ReadPool pool) {
    this.pool = pool;
  }

  /** The jobs among {@code seqs} that exist, by seq, in one statement whatever their number. */
  public List<Job> byIds(long[] seqs) throws SQLException {
    if (seqs.length == 0) {
      return List.of();
    }
    StringBuilder ids = new StringBuilder(seqs.length * 8).append('[');
    for (int i = 0; i < seqs.length; i++) {
      ids.append(i == 0 ? "" : ",").append(seqs[i]);
    }
    String json = ids.append(']').toString();
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + JobRow.COLUMNS
          + " FROM jobs WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY seq")) {
        ps.setString(1, json);
        return JobRow.list(ps, seqs.length);
      }
    });
  }

  /**
   * A page filter: any of {@code statuses} (empty for all), one {@code workflow} (null for all),
   * for a job id search, one {@code seq} (-1 for all), and {@code labels} a job must all require
   * (empty for all; canonical, see {@link io.mvmci.job.Labels}).
   */
  public record Filter(Set<JobStatus> statuses, String workflow, long seq, List<String> labels) {
    public static final Filter ALL = new Filter(Set.of(), null, -1);

    public Filter {
      labels = labels == null ? List.of() : List.copyOf(labels);
    }

    public Filter(Set<JobStatus> statuses, String workflow, long seq) {
      this(statuses, workflow, seq, List.of());
    }

    public boolean matches(Job j) {
      return (statuses.isEmpty() || statuses.contains(j.status()))
          && (workflow == null || workflow.equals(j.workflow())) && (seq < 0 || seq == j.seq())
          && (labels.isEmpty() || j.dispatch().labels().containsAll(labels));
    }
  }

  /**
   * Up to {@code limit} jobs matching {@code filter}, after {@code afterSeq} in the order asked for
   * ({@code newestFirst}: seq below it; else seq above it; -1 for the first page).
   */
  public List<Job> page(Filter filter, long afterSeq, boolean newestFirst, int limit) throws SQLException {
    return pool.read(c -> {
      List<Query> reads = reads(c, filter, afterSeq, newestFirst, limit);
      List<Job> all = new ArrayList<>();
      for (Query q : reads) {
        all.addAll(q.run(c, limit));
      }
      if (reads.size() <= 1) {
        return all;
      }
      // One keyed read per status and label set, merged: an IN list ordered by seq would sort every match.
      all.sort(newestFirst ? (a, b) -> Long.compare(b.seq(), a.seq()) : (a, b) -> Long.compare(a.seq(), b.seq()));
      return all.size() > limit ? new ArrayList<>(all.subList(0, limit)) : all;
    });
  }

  /** One keyed read of a page: its statement and arguments. */
  record Query(String sql, List<Object> args) {
    List<Job> run(Connection c, int limit) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.size(); i++) {
          ps.setObject(i + 1, args.get(i));
        }
        return JobRow.list(ps, limit);
      }
    }
  }

  /**
   * The keyed reads whose merge is the page: one per status asked for (or one for all) and, when the
   * page is read by label set, per matching set (none when no set has every label asked for).
   */
  List<Query> reads(Connection c, Filter filter, long afterSeq, boolean newestFirst, int limit) throws SQLException {
    List<Long> sets = List.of(NO_SET);
    String within = null;
    if (!filter.labels().isEmpty()) {
      List<Long> found = labelSets(c, filter.labels());
      if (found.isEmpty()) {
        return List.of();
      }
      // By label set (jobs_by_label_set): at most the sets' own jobs are read, so a rare label is
      // cheap. With a status or workflow filter as well, a label on many jobs is read through that
      // filter's index instead (keeping the sets IN the list), else a rare status under a common
      // label would walk the label's jobs; a search by id reads one row by key anyway.
      boolean other = !filter.statuses().isEmpty() || filter.workflow() != null;
      if (filter.seq() >= 0 || other && !few(c, found, afterSeq, newestFirst)) {
        within = found.stream().map(String::valueOf).collect(Collectors.joining(","));
      } else {
        sets = found;
      }
    }
    List<String> statuses = new ArrayList<>();
    filter.statuses().forEach(s -> statuses.add(s.name()));
    if (statuses.isEmpty()) {
      statuses.add(null);
    }
    List<Query> reads = new ArrayList<>();
    for (String status : statuses) {
      for (long set : sets) {
        reads.add(read(filter, status, set, within, afterSeq, newestFirst, limit));
      }
    }
    return reads;
  }

  private static Query read(Filter filter, String status, long set, String within, long afterSeq,
      boolean newestFirst, int limit) {
    StringBuilder sql = new StringBuilder("SELECT ").append(JobRow.COLUMNS).append(" FROM jobs");
    List<Object> args = new ArrayList<>();
    if (set != NO_SET) {
      sql.append(" INDEXED BY jobs_by_label_set WHERE label_set = ? AND label_set > 0");
      args.add(set);
    } else {
      sql.append(filter.workflow() != null && status == null ? " INDEXED BY jobs_by_workflow" : "").append(" WHERE 1 = 1");
    }
    if (afterSeq >= 0) {
      sql.append(newestFirst ? " AND seq < ?" : " AND seq > ?");
      args.add(afterSeq);
    }
    if (filter.seq() >= 0) {
      sql.append(" AND seq = ?");
      args.add(filter.seq());
    }
    if (status != null) {
      sql.append(" AND status = ?");
      args.add(status);
    }
    if (filter.workflow() != null) {
      sql.append(" AND workflow = ?");
      args.add(filter.workflow());
    }
    if (within != null) {
      sql.append(" AND label_set IN (").append(within).append(")");
    }
    sql.append(newestFirst ? " ORDER BY seq DESC" : " ORDER BY seq").append(" LIMIT ?");
    args.add(limit);
    return new Query(sql.toString(), args);
  }

  /**
   * Whether {@code sets} hold fewer than {@link #FEW} jobs on the page's side of {@code afterSeq}:
   * counted in jobs_by_label_set alone, stopping at {@link #FEW} entries.
   */
  private static boolean few(Connection c, List<Long> sets, long afterSeq, boolean newestFirst) throws SQLException {
    String ids = sets.stream().map(String::valueOf).collect(Collectors.joining(","));
    String range = afterSeq < 0 ? "" : newestFirst ? " AND seq < " + afterSeq : " AND seq > " + afterSeq;
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM (SELECT 1 FROM jobs INDEXED BY"
        + " jobs_by_label_set WHERE label_set IN (" + ids + ") AND label_set > 0" + range + " LIMIT " + FEW + ")");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() && rs.getLong(1) < FEW;
    }
  }

  /**
   * The ids of the label sets that hold every one of {@code labels}: label_sets has one row per
   * distinct set ever required (a handful to hundreds), read whole.
   */
  private static List<Long> labelSets(Connection c, List<String> labels) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT id FROM label_sets WHERE 1 = 1");
    for (int i = 0; i < labels.size(); i++) {
      sql.append(" AND instr(',' || labels || ',', ?) > 0");
    }
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < labels.size(); i++) {
        ps.setString(i + 1, "," + labels.get(i) + ",");
      }
      List<Long> ids = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
      return ids;
    }
  }
}
