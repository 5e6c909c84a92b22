package io.mvmci.ops.health;

import io.mvmci.replication.RaftNode;
import io.mvmci.replication.RaftStatus;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code raft} health component, in the readiness group: UP when the node is ready (see
 * {@link RaftHealth}), OUT_OF_SERVICE when it runs but is not ready, DOWN when its division stopped.
 * Details: role, term, leader, indexes and the reason it is not ready. No secrets, no addresses.
 */
public final class RaftHealthIndicator implements HealthIndicator {
  private final RaftNode node;
  private final long maxApplyLag;

  public RaftHealthIndicator(RaftNode node, long maxApplyLag) {
    this.node = node;
    this.maxApplyLag = maxApplyLag;
  }

  @Override
  public Health health() {
    RaftStatus s = node.status();
    String reason = RaftHealth.notReadyReason(s, maxApplyLag);
    Status status = reason == null ? Status.UP : RaftHealth.live(s) ? Status.OUT_OF_SERVICE : Status.DOWN;
    Health.Builder b = Health.status(status)
        .withDetail("node_id", s.selfId())
        .withDetail("role", s.role())
        .withDetail("term", s.term())
        .withDetail("leader_id", s.leaderId().map(Object::toString).orElse("none"))
        .withDetail("commit_index", s.commitIndex())
        .withDetail("applied_index", s.appliedIndex())
        .withDetail("database_applied_index", s.databaseAppliedIndex())
        .withDetail("lifecycle", s.lifecycle())
        .withDetail("state_machine", s.stateMachine());
    if (s.msSinceLeaderContact() >= 0) {
      b.withDetail("ms_since_leader_contact", s.msSinceLeaderContact());
    }
    if (reason != null) {
      b.withDetail("reason", reason);
    }
    return b.build();
  }
}
