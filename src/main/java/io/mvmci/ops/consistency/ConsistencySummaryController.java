package io.mvmci.ops.consistency;

import static io.mvmci.ops.consistency.ConsistencyController.iso;

import io.mvmci.replication.RaftNode;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/cluster/consistency}: whether the members' copies agree, as the newest
 * consistency check says, for anyone who may read {@code GET /api/v1/cluster} (the dashboard's
 * Cluster page, a script). A summary: the verdict, who and what differs, and the newest check that
 * agreed; no digests (those stay behind {@code secret_api}, {@link ConsistencyController}). Read from
 * this node's copy, as the admin list is.
 */
@RestController
class ConsistencySummaryController {
  static final String PATH = "/api/v1/cluster/consistency";
  private final ConsistencyChecks checks;
  private final RaftNode node;

  ConsistencySummaryController(ConsistencyChecks checks, RaftNode node) {
    this.checks = checks;
    this.node = node;
  }

  /**
   * @param latest the newest check, null before the first
   * @param lastAgreed the newest kept check whose copies all agreed (the latest itself when it
   *     agrees), null if none of the kept ones did
   */
  record Summary(Latest latest, Agreed lastAgreed) {}

  /**
   * The newest check, named as in the admin endpoint's {@code CheckView}, without the reports.
   *
   * @param requestedAt when the check was proposed (ISO-8601, the proposer's clock)
   * @param members the voting members now, whose reports complete the check
   * @param reported how many members have reported on it
   */
  record Latest(long checkIndex, String requestedAt, String requestedBy, String outcome, int members, int reported,
      List<Integer> differingMembers, List<String> differingTables, List<Integer> notCompared) {}

  /** The newest check whose copies all agreed. */
  record Agreed(long checkIndex, String requestedAt) {}

  @GetMapping(PATH)
  @Operation(summary = "Whether the members' copies agree, as the newest consistency check says (no digests)")
  Summary summary() throws Exception {
    List<ConsistencyChecks.Judged> newest = checks.recent(1);
    if (newest.isEmpty()) {
      return new Summary(null, null);
    }
    ConsistencyChecks.Judged j = newest.get(0);
    Verdict v = j.verdict();
    ConsistencyChecks.Judged agreed = v.outcome().equals(Verdict.AGREE) ? j : checks.lastAgreed().orElse(null);
    return new Summary(
        new Latest(j.check().index(), iso(j.check().requestedAt()), j.check().requestedBy(), v.outcome(),
            node.members(), j.check().reports().size(), v.differing(), v.differingTables(), v.notCompared()),
        agreed == null ? null : new Agreed(agreed.check().index(), iso(agreed.check().requestedAt())));
  }
}
