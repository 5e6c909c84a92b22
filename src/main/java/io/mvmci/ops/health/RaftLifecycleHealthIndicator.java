package io.mvmci.ops.health;

import io.mvmci.replication.RaftNode;
import io.mvmci.replication.RaftStatus;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code raftLifecycle} health component, in the liveness group: DOWN once the Raft division
 * is closing, closed or failed (restart the node), UP otherwise, whether or not it is ready.
 */
public final class RaftLifecycleHealthIndicator implements HealthIndicator {
  private final RaftNode node;

  public RaftLifecycleHealthIndicator(RaftNode node) {
    this.node = node;
  }

  @Override
  public Health health() {
    RaftStatus s = node.status();
    Health.Builder b = (RaftHealth.live(s) ? Health.up() : Health.down()).withDetail("lifecycle", s.lifecycle());
    if (node.disk().fault() == io.mvmci.replication.DiskGuard.Fault.LOG_FAILED) {
      b.withDetail("reason", node.disk().reason());
    }
    return b.build();
  }
}
