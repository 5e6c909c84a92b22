package io.mvmci.store;

import io.mvmci.job.Job;
import io.mvmci.job.JobStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads for the dashboard and the live streams, each served by an index: jobs by id in one statement,
 * and pages filtered by status
 * ({@code jobs_by_status}) or workflow ({@code jobs_by_workflow}), in either order, by key; a label
 * filter narrows either through the few matching {@code label_sets} ids.
 */
public final class JobReads {
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
      try (PreparedStatement ps = c.prepareStatement("SELECT " + JobQueries.COLUMNS
          + " FROM jobs WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY seq")) {
        ps.setString(1, json);
        return rows(ps, seqs.length);
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
    if (filter.statuses().size() <= 1) {
      return pageOf(filter, afterSeq, newestFirst, limit);
    }
    // One keyed read per status, merged: an IN list ordered by seq would sort every match.
    List<Job> all = new ArrayList<>();
    for (JobStatus s : filter.statuses()) {
      all.addAll(pageOf(new Filter(Set.of(s), filter.workflow(), filter.seq(), filter.labels()), afterSeq, newestFirst, limit));
    }
    all.sort(newestFirst ? (a, b) -> Long.compare(b.seq(), a.seq()) : (a, b) -> Long.compare(a.seq(), b.seq()));
    return all.size() > limit ? new ArrayList<>(all.subList(0, limit)) : all;
  }

  private List<Job> pageOf(Filter filter, long afterSeq, boolean newestFirst, int limit) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ").append(JobQueries.COLUMNS).append(" FROM jobs");
    List<Object> args = new ArrayList<>();
    if (filter.workflow() != null && filter.statuses().isEmpty()) {
      sql.append(" INDEXED BY jobs_by_workflow");
    }
    sql.append(" WHERE 1 = 1");
    if (afterSeq >= 0) {
      sql.append(newestFirst ? " AND seq < ?" : " AND seq > ?");
      args.add(afterSeq);
    }
    if (filter.seq() >= 0) {
      sql.append(" AND seq = ?");
      args.add(filter.seq());
    }
    if (!filter.statuses().isEmpty()) {
      sql.append(" AND status = ?");
      args.add(filter.statuses().iterator().next().name());
    }
    if (filter.workflow() != null) {
      sql.append(" AND workflow = ?");
      args.add(filter.workflow());
    }
    if (!filter.labels().isEmpty()) {
      // Cost: the label sets holding every asked-for label are found first (labelSets: label_sets
      // has one row per distinct set ever required, a handful to hundreds, read whole). None: the
      // page is empty without touching jobs. Else the jobs are walked in seq order (or by the status
      // or workflow index) and kept when their label_set is IN that short list: no index on jobs
      // serves (label_set, seq) for every status (jobs_runnable_by_set covers only Pending and
      // Retrying), so a page reads rows until `limit` match: cheap for a common label, at worst one
      // pass over the jobs the other filters leave when the label is rare. Measured with sqlite3 on
      // 10^6 jobs (a synthetic table, not the node): a label on 10 % of jobs 0.2 ms p95 for 50 rows,
      // on 0.1 % 8.5 ms, on 1 job 164 ms (the whole scan); no set with it 0.02 ms. A (label_set, seq)
      // index on jobs would bound the rare case too; it needs a migration of its own.
      List<Long> sets = labelSets(filter.labels());
      if (sets.isEmpty()) {
        return List.of();
      }
      sql.append(" AND label_set IN (");
      for (int i = 0; i < sets.size(); i++) {
        sql.append(i == 0 ? "" : ",").append(sets.get(i).longValue());
      }
      sql.append(")");
    }
    sql.append(newestFirst ? " ORDER BY seq DESC" : " ORDER BY seq").append(" LIMIT ?");
    args.add(limit);
    return pool.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          ps.setObject(i + 1, args.get(i));
        }
        return rows(ps, limit);
      }
    });
  }

  /** The ids of the label sets that hold every one of {@code labels}. */
  private List<Long> labelSets(List<String> labels) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT id FROM label_sets WHERE 1 = 1");
    for (int i = 0; i < labels.size(); i++) {
      sql.append(" AND instr(',' || labels || ',', ?) > 0");
    }
    return pool.read(c -> {
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
    });
  }

  private static List<Job> rows(PreparedStatement ps, int expected) throws SQLException {
    List<Job> out = new ArrayList<>(Math.min(expected, 1024));
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(JobQueries.row(rs));
      }
    }
    return out;
  }
}
