package io.mvmci.command;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker (a node's embedded pool, or a remote worker process) says it is alive and which claims it
 * still runs. Each of those claims that is still current gets its lease renewed to
 * {@code at + leaseMs}; the answer lists the ones that are not (cancelled, expired, taken over), so
 * the worker stops them.
 *
 * @param kind {@code node} or {@code remote}
 * @param nodeId the node the worker is part of, or 0 for a remote worker
 * @param capacity how many jobs the worker runs at once
 * @param labels the worker's labels, canonical (kept on its row, so a job's page can say when no live
 *     worker has the labels it requires); a beat without labels (type 3) clears them
 */
public record Heartbeat(long at, String workerId, String kind, int nodeId, int capacity, long leaseMs,
    List<JobRef> running, List<String> labels) implements Command {

  private static final String BEAT = """
      INSERT INTO heartbeats (worker_id, node_id, kind, started_at, last_seen, status, capacity, running, labels)
      VALUES (?, ?, ?, ?, ?, 'alive', ?, ?, ?)
      ON CONFLICT (worker_id) DO UPDATE SET
        node_id = excluded.node_id, kind = excluded.kind, last_seen = excluded.last_seen,
        started_at = CASE WHEN heartbeats.status = 'alive' THEN heartbeats.started_at
                          ELSE excluded.started_at END,
        status = 'alive', capacity = excluded.capacity, running = excluded.running, labels = excluded.labels""";
  private static final String RENEW = """
      UPDATE jobs SET lease_until = ?
      WHERE seq = ? AND attempt = ? AND worker_id = ? AND status = 'InProgress'""";

  /** A beat from a worker without labels. */
  public Heartbeat(long at, String workerId, String kind, int nodeId, int capacity, long leaseMs,
      List<JobRef> running) {
    this(at, workerId, kind, nodeId, capacity, leaseMs, running, List.of());
  }

  public Heartbeat {
    running = List.copyOf(running);
    labels = io.mvmci.job.Labels.canonical(labels);
  }

  @Override
  public CommandType type() {
    return labels.isEmpty() ? CommandType.HEARTBEAT : CommandType.HEARTBEAT_WITH_LABELS;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workerId).str(kind).i32(nodeId).i32(capacity).i64(leaseMs);
    Lists.write(w, running, JobRef::writeTo);
    if (!labels.isEmpty()) {
      WireLabels.write(w, labels);
    }
  }

  static Heartbeat read(WireReader r) {
    return new Heartbeat(r.i64(), r.str(), r.str(), r.i32(), r.i32(), r.i64(), Lists.read(r, JobRef::read));
  }

  static Heartbeat readWithLabels(WireReader r) {
    Heartbeat h = read(r);
    return new Heartbeat(h.at, h.workerId, h.kind, h.nodeId, h.capacity, h.leaseMs, h.running,
        WireLabels.read(r));
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    PreparedStatement beat = tx.sql(BEAT);
    int i = 1;
    beat.setString(i++, workerId);
    beat.setInt(i++, nodeId);
    beat.setString(i++, kind);
    beat.setLong(i++, at);
    beat.setLong(i++, at);
    beat.setInt(i++, capacity);
    beat.setInt(i++, running.size());
    beat.setString(i, io.mvmci.job.Labels.join(labels));
    beat.executeUpdate();
    PreparedStatement renew = tx.sql(RENEW);
    List<JobRef> stale = new ArrayList<>();
    for (JobRef ref : running) {
      renew.setLong(1, at + leaseMs);
      renew.setLong(2, ref.seq());
      renew.setInt(3, ref.attempt());
      renew.setString(4, workerId);
      if (renew.executeUpdate() == 0) {
        stale.add(ref);
      }
    }
    return new Result.Stale(stale);
  }

  @Override
  public void announce(Result result, Effects effects) {
    // a renewed lease changes nothing a node's parts wait for
  }
}
