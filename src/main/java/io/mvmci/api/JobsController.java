package io.mvmci.api;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.Operation;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.mvmci.config.NodeConfig;
import io.mvmci.job.Job;
import io.mvmci.job.JobEvent;
import io.mvmci.job.JobStatus;
import io.mvmci.queue.Consistency;
import io.mvmci.queue.JobService;
import io.mvmci.store.JobReads;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

/**
 * The versioned job API. Reads are linearizable unless {@code ?consistency=local}; the
 * {@value ReadParams#CONSISTENCY_HEADER} response header says which one the caller got.
 */
@RestController
@RequestMapping("/api/v1")
class JobsController {
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1_000;

  private final JobService jobs;
  private final ObjectMapper json;
  private final Clock clock;
  private final int maxBody;
  private final int maxBatchBody;

  private final LabelCoverage coverage;

  JobsController(JobService jobs, ObjectMapper json, Clock clock, NodeConfig config, LabelCoverage coverage) {
    this.coverage = coverage;
    this.jobs = jobs;
    this.json = json;
    this.clock = clock;
    this.maxBody = config.api().maxBodyBytes();
    this.maxBatchBody = config.raft().groupCommitMaxBytes();
  }

  record Page(List<JobView> jobs, String nextCursor, String consistency) {}

  /** {@code waiting}: the Waiting jobs by what they wait for, with the earliest one's wake-up. */
  record Stats(Map<String, Long> counts, long total, String consistency, Map<String, WaitingView> waiting) {}

  record WaitingView(long jobs, String nextWakeAt) {}

  record Events(String jobId, List<EventView> events) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record EventView(String at, JobStatus status, int attempt, String reason, String moduleSha256) {
    static EventView of(JobEvent e) {
      return new EventView(JobView.time(e.at()), e.status(), e.attempt(), e.reason(), e.moduleSha256());
    }
  }

  /**
   * Submits one job. With {@code wait_ms} the answer waits, as Restate's ingress call and Temporal's
   * execute-and-get-result do, until the job has finished or the wait runs out, and carries the job as it
   * then stands: one request instead of a submit and a long poll, and no ReadIndex for the wait.
   */
  @Operation(summary = "Submit a job", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
      mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.SubmitRequest.class))))
  @ApiResponse(responseCode = "201", description = "The new job (Location: its URL); with wait_ms, as it stands"
      + " once it has finished or when the wait ran out",
      content = @Content(mediaType = "application/json", schema = @Schema(implementation = JobView.class)))
  @ApiResponse(responseCode = "200", description = "The job an earlier submission with this Idempotency-Key made",
      content = @Content(mediaType = "application/json", schema = @Schema(implementation = JobView.class)))
  @PostMapping(value = "/jobs", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
  void submit(HttpServletRequest request, HttpServletResponse response,
      @RequestHeader(value = "Idempotency-Key", required = false) String key,
      @RequestParam(name = "wait_ms", required = false) String waitMs) throws IOException {
    long wait = waitMs(waitMs);
    String body = RequestBodies.read(request, maxBody);
    JobService.Submission s = jobs.submit(SubmitRequests.fromJson(body, json, key, clock.millis()));
    if (wait > 0) {
      s = new JobService.Submission(jobs.awaitOutcome(s.job(), wait), s.duplicate());
    }
    Submissions.write(s, response, json);
  }

  static final int MAX_BATCH = 1_000;

  record Batch(List<BatchItem> jobs) {}

  record BatchItem(JobView job, boolean duplicate) {}

  /**
   * Submits up to {@value #MAX_BATCH} jobs in one request: {@code {"jobs": [ {...}, ... ]}}, each item
   * as for {@code POST /jobs} plus an optional {@code idempotency_key}. All or nothing at validation;
   * 201 with the jobs in the order given. The body cap is {@code raft.group_commit_max_bytes}.
   */
  @Operation(summary = "Submit up to 1,000 jobs at once", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
      mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.BatchRequest.class))))
  @ApiResponse(responseCode = "201", description = "The jobs, in the order given",
      content = @Content(mediaType = "application/json", schema = @Schema(implementation = Batch.class)))
  @PostMapping(value = "/jobs/batch", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
  ResponseEntity<Batch> submitBatch(HttpServletRequest request) throws IOException {
    String body = RequestBodies.read(request, maxBatchBody);
    List<JobService.Submission> done =
        jobs.submitAll(SubmitRequests.batchFromJson(body, json, MAX_BATCH, clock.millis()));
    return ResponseEntity.status(201).body(new Batch(done.stream()
        .map(s -> new BatchItem(JobView.of(s.job()), s.duplicate())).toList()));
  }

  /** The most a caller may wait for a job to finish in one request. */
  static final long MAX_WAIT_MS = 60_000;

  /**
   * One job. With {@code wait_ms}, a long poll: the answer comes once the job has finished
   * (Completed, Failed or Cancelled) or when the wait runs out, whichever is first.
   */
  @GetMapping("/jobs/{id}")
  ResponseEntity<JobView> get(@PathVariable String id,
      @RequestParam(required = false) String consistency,
      @RequestParam(name = "wait_ms", required = false) String waitMs) {
    Consistency c = ReadParams.consistency(consistency);
    long wait = waitMs(waitMs);
    Job job = wait == 0 ? jobs.get(id, c) : jobs.awaitFinished(id, wait, c);
    List<String> children = jobs.read(Consistency.LOCAL, q -> q.waits().children(job.seq(), WaitsController.MAX_LISTED))
        .stream().map(io.mvmci.job.JobId::format).toList();
    return ResponseEntity.ok().headers(ReadParams.headers(c)).body(JobView.of(job, children, coverage.reason(job)));
  }

  /** {@code wait_ms}: absent or empty is 0 (no wait); anything but 0 to {@value #MAX_WAIT_MS} is a 400. */
  static long waitMs(String waitMs) {
    if (waitMs == null || waitMs.isEmpty()) {
      return 0;
    }
    long wait;
    try {
      wait = Long.parseLong(waitMs);
    } catch (NumberFormatException e) {
      wait = -1;
    }
    if (wait < 0 || wait > MAX_WAIT_MS) {
      throw new BadRequestException("wait_ms", "wait_ms must be an integer from 0 to " + MAX_WAIT_MS
          + ", not \"" + waitMs + "\"");
    }
    return wait;
  }

  /** Every state change of the job, oldest first, each with its reason. */
  @GetMapping("/jobs/{id}/events")
  ResponseEntity<Events> events(@PathVariable String id,
      @RequestParam(required = false) String consistency) {
    Consistency c = ReadParams.consistency(consistency);
    List<EventView> events = jobs.events(id, c).stream().map(EventView::of).toList();
    return ResponseEntity.ok().headers(ReadParams.headers(c)).body(new Events(id, events));
  }

  /** Cancels the job: 200 with the cancelled job, 409 if it already finished. */
  @PostMapping("/jobs/{id}/cancel")
  ResponseEntity<JobView> cancel(@PathVariable String id) {
    return ResponseEntity.ok(JobView.of(jobs.cancel(id, "the API")));
  }

  /**
   * Puts a Failed or Cancelled job back in the queue: 200 with the job, Pending again, with a fresh
   * execution and its whole failure budget; 409 for a job that is not Failed or Cancelled.
   */
  @PostMapping("/jobs/{id}/retry")
  ResponseEntity<JobView> retry(@PathVariable String id) {
    return ResponseEntity.ok(JobView.of(jobs.retry(id, "the API")));
  }

  record Logs(String jobId, List<LineView> lines, Long nextAfter) {}

  record LineView(long id, String at, int attempt, String level, String message) {}

  /** The job's log lines, oldest first, paged by line id: pass {@code next_after} back as {@code after}. */
  @GetMapping("/jobs/{id}/logs")
  ResponseEntity<Logs> logs(@PathVariable String id, @RequestParam(required = false) String after,
      @RequestParam(required = false) String limit, @RequestParam(required = false) String consistency) {
    Consistency c = ReadParams.consistency(consistency);
    long afterId = -1;
    if (after != null && !after.isEmpty()) {
      try {
        afterId = Long.parseLong(after);
      } catch (NumberFormatException e) {
        throw new BadRequestException("after", "after must be a line id, not \"" + after + "\"");
      }
    }
    int n = pageSize(limit);
    List<LineView> lines = jobs.logs(id, afterId, n, c).stream()
        .map(l -> new LineView(l.id(), JobView.time(l.at()), l.attempt(), l.levelName(), l.message()))
        .toList();
    Long next = lines.size() == n ? lines.get(lines.size() - 1).id() : null;
    return ResponseEntity.ok().headers(ReadParams.headers(c)).body(new Logs(id, lines, next));
  }

  /**
   * A page of jobs by keyset: pass {@code next_cursor} back as {@code cursor} with the same filters.
   * Oldest first unless {@code order=desc}. Filters: {@code status} (one or more, comma-separated),
   * {@code workflow}, {@code job} (an id: the page holds that job or nothing), {@code label}
   * (repeatable or comma-separated: jobs that require every one of those worker labels).
   */
  @GetMapping("/jobs")
  ResponseEntity<Page> list(@RequestParam(required = false) String status,
      @RequestParam(required = false) String workflow, @RequestParam(required = false) String job,
      @RequestParam(required = false) List<String> label, @RequestParam(required = false) String order,
      @RequestParam(required = false) String limit, @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String consistency) {
    Consistency c = ReadParams.consistency(consistency);
    JobReads.Filter filter = StreamsController.filter(status, workflow, job, label);
    if (order != null && !order.isEmpty() && !order.equals("asc") && !order.equals("desc")) {
      throw new BadRequestException("order", "order must be asc or desc, not \"" + order + "\"");
    }
    boolean desc = "desc".equals(order);
    int n = pageSize(limit);
    long after = Cursor.decode(cursor);
    List<Job> page = filter.equals(JobReads.Filter.ALL) && !desc ? jobs.page(null, after, n, c)
        : jobs.read(c, q -> q.reads().page(filter, after, desc, n));
    String next = page.size() == n ? Cursor.encode(page.get(page.size() - 1).seq()) : null;
    return ResponseEntity.ok().headers(ReadParams.headers(c))
        .body(new Page(page.stream().map(j -> JobView.of(j, null, coverage.reason(j))).toList(), next, c.wireName()));
  }

  @GetMapping("/stats")
  ResponseEntity<Stats> stats(@RequestParam(required = false) String consistency) {
    Consistency c = ReadParams.consistency(consistency);
    Map<String, Long> counts = LegacyController.countsWithTotal(jobs.counts(c));
    long total = counts.remove("total");
    Map<String, WaitingView> waiting = new java.util.LinkedHashMap<>();
    jobs.read(Consistency.LOCAL, q -> q.waits().waitingByKind())
        .forEach((kind, w) -> waiting.put(kind, new WaitingView(w.jobs(), JobView.time(w.nextWakeAt()))));
    return ResponseEntity.ok().headers(ReadParams.headers(c)).body(new Stats(counts, total, c.wireName(), waiting));
  }

  private static int pageSize(String limit) {
    if (limit == null || limit.isEmpty()) {
      return DEFAULT_PAGE;
    }
    try {
      int n = Integer.parseInt(limit);
      if (n >= 1 && n <= MAX_PAGE) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw new BadRequestException("limit", "limit must be an integer from 1 to " + MAX_PAGE + ", not \"" + limit + "\"");
  }
}
