package io.mvmci.ops.consistency;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code consistency} health component (in the overall health, in neither probe group: a
 * restart does not mend a copy, and the member still votes): DOWN once the newest consistency check
 * this node reported on found its copy different from the majority's; UNKNOWN before any check.
 * Details: that check's index, its outcome, and the differing members and tables.
 */
public final class ConsistencyHealthIndicator implements HealthIndicator {
  private final ConsistencyChecks checks;

  public ConsistencyHealthIndicator(ConsistencyChecks checks) {
    this.checks = checks;
  }

  @Override
  public Health health() {
    return checks.latest().map(j -> Health.status(checks.diverged() ? Status.DOWN : Status.UP)
            .withDetail("check_index", j.check().index())
            .withDetail("outcome", j.verdict().outcome())
            .withDetail("differing_members", j.verdict().differing())
            .withDetail("differing_tables", j.verdict().differingTables())
            .build())
        .orElseGet(() -> Health.unknown().withDetail("reason", "no consistency check reported on yet").build());
  }
}
