package io.mvmci.replication;

import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;

/**
 * Ratis's snapshot directory ({@code sm/}), remembering that it holds no snapshot.
 *
 * <p>{@link SimpleStateMachineStorage#getLatestSnapshot()} caches the snapshot it found, but while there
 * is none it lists the directory on every call, and Ratis calls it on every AppendEntries a follower
 * handles (twice) and every pass of the leader's log appender for each follower. Until a cluster's first
 * snapshot (20,000 entries by default) that listing was 5.5 % of three in-JVM nodes' CPU in a probe of
 * sequential commits (an {@code openat} and {@code getdents64} per call, async-profiler).
 *
 * <p>A snapshot only appears in {@code sm/} through this node's own code, which then tells the storage:
 * {@link BackgroundSnapshots} publishes one with {@link #updateLatestSnapshot}, and a snapshot
 * installed from the leader is loaded by {@link QueueStateMachine#reinitialize()} with {@link
 * #loadLatestSnapshot()} (until then Ratis answers from its own installed-snapshot index). So after a
 * listing that found nothing, "none" stays true until one of those two calls, which clear it under the
 * same lock that sets it.
 */
final class SnapshotStorage extends SimpleStateMachineStorage {
  /** The last listing found no snapshot, and none was published or loaded since. */
  private volatile boolean none;

  @Override
  public SingleFileSnapshotInfo getLatestSnapshot() {
    // the parent answers its cached snapshot, or lists sm/ through loadLatestSnapshot() below
    return none ? null : super.getLatestSnapshot();
  }

  @Override
  public synchronized SingleFileSnapshotInfo loadLatestSnapshot() {
    SingleFileSnapshotInfo found = super.loadLatestSnapshot();
    none = found == null;
    return found;
  }

  @Override
  public synchronized SingleFileSnapshotInfo updateLatestSnapshot(SingleFileSnapshotInfo info) {
    SingleFileSnapshotInfo latest = super.updateLatestSnapshot(info);
    none = latest == null;
    return latest;
  }
}
