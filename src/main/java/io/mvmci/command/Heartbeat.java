package io.mvmci.command;

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
 */
public record Heartbeat(long at, String workerId, String kind, int nodeId, int capacity, long leaseMs,
    List<JobRef> running) implements Command {
  static final int TYPE = 3;

  public Heartbeat {
    running = List.copyOf(running);
  }

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workerId).str(kind).i32(nodeId).i32(capacity).i64(leaseMs);
    Lists.write(w, running, JobRef::writeTo);
  }

  static Heartbeat read(WireReader r) {
    return new Heartbeat(r.i64(), r.str(), r.str(), r.i32(), r.i32(), r.i64(), Lists.read(r, JobRef::read));
  }
}
