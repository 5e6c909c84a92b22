package io.mvmci.api;

import io.mvmci.command.Result;
import io.mvmci.job.Job;
import io.mvmci.job.JobId;
import io.mvmci.queue.Consistency;
import io.mvmci.queue.JobService;
import io.mvmci.store.WaitQueries;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What runs wait for, as clients see it: signals sent to a job (an approval, a webhook's event) and
 * a job's children. A signal is replicated before the answer; a run waiting for one of its name
 * wakes, on any node.
 */
@RestController
@RequestMapping("/api/v1/jobs/{id}")
class WaitsController {
  static final int MAX_PAYLOAD = 256 * 1024;
  static final int MAX_LISTED = 1000;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

  private final JobService jobs;
  private final ObjectMapper json;

  WaitsController(JobService jobs, ObjectMapper json) {
    this.jobs = jobs;
    this.json = json;
  }

  record Sent(String jobId, String name, long signalId, boolean duplicate, boolean woke) {}

  record SignalView(long signalId, String name, String sentAt, String idempotencyKey,
      @com.fasterxml.jackson.annotation.JsonRawValue String payload) {}

  record Signals(String jobId, List<SignalView> signals) {}

  record Children(String jobId, List<JobView> children) {}

  /**
   * Sends signal {@code name} with a JSON payload (the body; empty means {@code null}): 201 with its
   * id, 200 for a repeat of an {@code Idempotency-Key} the job has seen, 404 for no such job, 409 once
   * the job has finished.
   */
  @PostMapping("/signals/{name}")
  ResponseEntity<Sent> signal(@PathVariable String id, @PathVariable String name,
      @RequestHeader(value = "Idempotency-Key", required = false) String key, HttpServletRequest request)
      throws IOException {
    if (!NAME.matcher(name).matches()) {
      throw new BadRequestException("name", "a signal name is 1-128 letters, digits, '.', '_', ':' or '-'");
    }
    if (key != null && !KEY.matcher(key).matches()) {
      throw new BadRequestException("Idempotency-Key",
          "an idempotency key is 1-255 printable ASCII characters without spaces");
    }
    String body = RequestBodies.read(request, MAX_PAYLOAD);
    String payload;
    if (body.isBlank()) {
      payload = "null";
    } else {
      try {
        JsonNode n = json.readTree(body);
        payload = json.writeValueAsString(n);
      } catch (JacksonException e) {
        throw new BadRequestException(null, "the payload is not valid JSON: " + e.getOriginalMessage());
      }
    }
    Result.Signaled s = jobs.signal(id, name, payload, key);
    return ResponseEntity.status(s.duplicate() ? HttpStatus.OK : HttpStatus.CREATED)
        .body(new Sent(JobId.format(JobId.parse(id)), name, s.id(), s.duplicate(), s.woke()));
  }

  /** The signals sent to a job, oldest first (at most 1,000). */
  @GetMapping("/signals")
  ResponseEntity<Signals> signals(@PathVariable String id, @RequestParam(required = false) String consistency) {
    Consistency c = ReadParams.consistency(consistency);
    Job job = jobs.get(id, c);
    List<WaitQueries.Signal> list = jobs.read(Consistency.LOCAL, q -> q.waits().signals(job.seq(), MAX_LISTED));
    return ResponseEntity.ok().headers(ReadParams.headers(c)).body(new Signals(job.id(), list.stream()
        .map(s -> new SignalView(s.id(), s.name(), JobView.time(s.at()), s.idempotencyKey(), s.payload())).toList()));
  }

  /** A job's children, in the order they were spawned (at most 1,000). */
  @GetMapping("/children")
  ResponseEntity<Children> children(@PathVariable String id, @RequestParam(required = false) String consistency) {
    Consistency c = ReadParams.consistency(consistency);
    Job job = jobs.get(id, c);
    List<Long> seqs = jobs.read(Consistency.LOCAL, q -> q.waits().children(job.seq(), MAX_LISTED));
    List<JobView> out = seqs.stream().map(s -> JobView.of(jobs.get(JobId.format(s), Consistency.LOCAL))).toList();
    return ResponseEntity.ok().headers(ReadParams.headers(c)).body(new Children(job.id(), out));
  }
}
