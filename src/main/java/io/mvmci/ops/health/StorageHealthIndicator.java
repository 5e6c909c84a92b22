package io.mvmci.ops.health;

import io.mvmci.replication.DiskGuard;
import io.mvmci.replication.RaftNode;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code storage} health component, in the readiness group: whether this node can store writes
 * ({@link DiskGuard}). UP when it can; OUT_OF_SERVICE while it refuses them for a reason that clears by
 * itself (short of space, a read-only data directory, an entry waiting for the disk); DOWN once the
 * Raft log failed (restart the node once the disk takes writes). Details: the data directory, its free
 * space, the reserve, and the reason.
 */
public final class StorageHealthIndicator implements HealthIndicator {
  private final RaftNode node;

  public StorageHealthIndicator(RaftNode node) {
    this.node = node;
  }

  @Override
  public Health health() {
    DiskGuard.Status s = node.disk();
    Status status = !s.refusing() ? Status.UP
        : s.fault() == DiskGuard.Fault.LOG_FAILED ? Status.DOWN : Status.OUT_OF_SERVICE;
    Health.Builder b = Health.status(status)
        .withDetail("path", s.dir().toString())
        .withDetail("free_bytes", s.usableBytes())
        .withDetail("reserve_bytes", s.reserveBytes());
    if (s.refusing()) {
      b.withDetail("fault", s.fault().name()).withDetail("reason", s.reason());
    }
    return b.build();
  }
}
