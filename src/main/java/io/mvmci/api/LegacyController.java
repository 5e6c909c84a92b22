package io.mvmci.api;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.Operation;
import io.mvmci.config.NodeConfig;
import io.mvmci.job.JobStatus;
import io.mvmci.queue.Consistency;
import io.mvmci.queue.JobService;
import io.mvmci.queue.NewJob;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SequenceWriter;

/** The original system's endpoints (SPEC §1), kept verbatim: {@code /new-job} and {@code /queue/*}. */
@RestController
class LegacyController {
  private final JobService jobs;
  private final ObjectMapper json;
  private final Clock clock;
  private final int maxBody;

  LegacyController(JobService jobs, ObjectMapper json, Clock clock, NodeConfig config) {
    this.jobs = jobs;
    this.json = json;
    this.clock = clock;
    this.maxBody = config.api().maxBodyBytes();
  }

  /** A form ({@code url=...}, curl's default) or a JSON object; answers 201 with the new job. */
  @Operation(summary = "Submit a job (SPEC §1)", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = {
      @Content(mediaType = "application/x-www-form-urlencoded", schema = @Schema(implementation = ApiSchemas.NewJobForm.class)),
      @Content(mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.SubmitRequest.class))}))
  @ApiResponse(responseCode = "201", description = "The new job",
      content = @Content(mediaType = "application/json", schema = @Schema(implementation = JobView.class)))
  @ApiResponse(responseCode = "200", description = "The job an earlier submission with this Idempotency-Key made",
      content = @Content(mediaType = "application/json", schema = @Schema(implementation = JobView.class)))
  @PostMapping("/new-job")
  void newJob(HttpServletRequest request, HttpServletResponse response,
      @RequestHeader(value = "Idempotency-Key", required = false) String key)
      throws IOException, HttpMediaTypeNotSupportedException {
    String body = RequestBodies.read(request, maxBody);
    NewJob job = switch (Submissions.kind(request.getContentType(), body)) {
      case JSON -> SubmitRequests.fromJson(body, json, key, clock.millis());
      case FORM -> SubmitRequests.fromForm(FormBody.parse(body, SubmitRequests.FIELDS), key, clock.millis());
    };
    Submissions.write(jobs.submit(job), response, json);
  }

  /** Every job, oldest first, streamed. */
  @ApiResponse(responseCode = "200", description = "Every job, oldest first", content = @Content(
      mediaType = "application/json", array = @io.swagger.v3.oas.annotations.media.ArraySchema(
          schema = @Schema(implementation = JobView.class))))
  @GetMapping(value = "/queue/list", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<StreamingResponseBody> list(@RequestParam(required = false) String consistency) {
    Consistency c = ReadParams.consistency(consistency);
    jobs.barrier(c);
    StreamingResponseBody body = out -> {
      try (SequenceWriter w = json.writer().writeValuesAsArray(out)) {
        jobs.forEach(Consistency.LOCAL, job -> w.write(JobView.of(job)));
      }
    };
    return ResponseEntity.ok().headers(ReadParams.headers(c)).contentType(MediaType.APPLICATION_JSON)
        .body(body);
  }

  /** A count per status and the total, exact as of the read. */
  @GetMapping("/queue/stats")
  ResponseEntity<Map<String, Long>> stats(@RequestParam(required = false) String consistency) {
    Consistency c = ReadParams.consistency(consistency);
    return ResponseEntity.ok().headers(ReadParams.headers(c)).body(countsWithTotal(jobs.counts(c)));
  }

  static Map<String, Long> countsWithTotal(Map<JobStatus, Long> counts) {
    Map<String, Long> out = new LinkedHashMap<>();
    long total = 0;
    for (JobStatus s : JobStatus.values()) {
      long n = counts.getOrDefault(s, 0L);
      out.put(s.name(), n);
      total += n;
    }
    out.put("total", total);
    return out;
  }
}
