package io.mvmci.ops.consistency;

import io.mvmci.store.ConsistencyQueries.Report;
import java.util.List;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The consistency checks, for operators ({@code secret_api}, as all of {@code /api/v1/admin/*}):
 * {@code GET /api/v1/admin/cluster/consistency} lists the newest checks with every member's report
 * and the verdict; {@code POST} starts one now and answers 202 with it (the members' reports follow
 * within seconds).
 */
@RestController
class ConsistencyController {
  static final String PATH = "/api/v1/admin/cluster/consistency";
  private final ConsistencyChecks checks;
  private final io.mvmci.replication.RaftNode node;

  ConsistencyController(ConsistencyChecks checks, io.mvmci.replication.RaftNode node) {
    this.checks = checks;
    this.node = node;
  }

  /**
   * @param checkIndex the check's log index: every member digested its copy as of that entry
   * @param outcome {@code agree}, {@code pending} (not every member reported) or {@code differ}
   * @param differingMembers members whose copy is not the majority's
   * @param differingTables tables whose digests are not the same on every compared copy
   * @param notCompared members that reported another schema version (a rolling upgrade)
   * @param members the voting members now, whose reports complete the check
   */
  record CheckView(long checkIndex, String requestedAt, String requestedBy, String outcome, List<Integer> differingMembers,
      List<String> differingTables, List<Integer> notCompared, int members, List<ReportView> reports) {
    static CheckView of(ConsistencyChecks.Judged j, int members) {
      return new CheckView(j.check().index(), iso(j.check().requestedAt()), j.check().requestedBy(),
          j.verdict().outcome(), j.verdict().differing(), j.verdict().differingTables(), j.verdict().notCompared(),
          members, j.check().reports().stream().map(ReportView::of).toList());
    }
  }

  /**
   * One member's report.
   *
   * @param schema the member's schema version (copies of different versions are not compared)
   * @param rows the rows digested
   * @param tables each table's digest, as the member reported them
   * @param reportedAt when the member proposed its report (ISO-8601, its clock)
   */
  record ReportView(int nodeId, int schema, String digest, long rows, String tables, String reportedAt) {
    static ReportView of(Report r) {
      return new ReportView(r.nodeId(), r.schema(), r.digest(), r.rows(), r.tables(), iso(r.reportedAt()));
    }
  }

  /** Times in answers are ISO-8601, as everywhere in the API (a job's {@code created_at}). */
  static String iso(long epochMillis) {
    return java.time.Instant.ofEpochMilli(epochMillis).toString();
  }

  record Checks(List<CheckView> checks) {}

  /** {@code ?limit=} out of range. */
  static final class InvalidLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidLimitException() {
      super("limit must be 1 to 100");
    }
  }

  @ExceptionHandler(InvalidLimitException.class)
  ResponseEntity<ProblemDetail> invalidLimit(InvalidLimitException e) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    p.setType(URI.create("urn:mvmci:problem:invalid-request"));
    p.setTitle("Invalid request");
    p.setProperty("field", "limit");
    return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
  }

  @GetMapping(PATH)
  Checks list(@RequestParam(defaultValue = "10") int limit) throws Exception {
    if (limit < 1 || limit > 100) {
      throw new InvalidLimitException();
    }
    int members = node.members();
    return new Checks(checks.recent(limit).stream().map(j -> CheckView.of(j, members)).toList());
  }

  @PostMapping(PATH)
  @ResponseStatus(HttpStatus.ACCEPTED)
  CheckView start() throws Exception {
    return CheckView.of(checks.requestNow(), node.members());
  }
}
