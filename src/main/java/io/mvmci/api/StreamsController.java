package io.mvmci.api;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.Operation;
import io.mvmci.job.Job;
import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import io.mvmci.live.JobFeed;
import io.mvmci.queue.Consistency;
import io.mvmci.queue.JobService;
import io.mvmci.store.JobReads;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The live streams, as Server-Sent Events, on any node: job changes ({@code GET /api/v1/events}) and a
 * job's log lines as they are written ({@code GET /api/v1/jobs/{id}/logs?follow=true}). Each node
 * streams what it applies, so a stream goes on through a leader change; a node that stops ends its
 * streams cleanly, and the client reconnects (here or to another node) with its last event id.
 */
@RestController
@RequestMapping("/api/v1")
class StreamsController {
  /** What a client may leave unread before it is disconnected. */
  static final long MAX_QUEUED_BYTES = 1 << 20;

  private final JobFeed feed;
  private final JobService jobs;

  StreamsController(JobFeed feed, JobService jobs) {
    this.feed = feed;
    this.jobs = jobs;
  }

  /**
   * Job changes: each {@code event: job} carries the job as {@code GET /api/v1/jobs/{id}} shows it
   * but without {@code input} and {@code output} (read those from there), once the change has applied
   * on this node; {@code event: resync} asks the client to reload what it
   * shows. Filters: {@code status} (one or more, comma-separated), {@code workflow}, {@code label} (jobs
   * requiring every label given), {@code job} (an id; such a stream starts with the job as it is now, unless it resumes). {@code Last-Event-ID} (or {@code last_event_id}) resumes after an earlier event.
   */
  @ApiResponse(responseCode = "200", description = "An SSE stream: event: job (data: a job), event: resync",
      content = @Content(mediaType = "text/event-stream", schema = @Schema(type = "string")))
  @GetMapping(value = "/events", produces = "text/event-stream")
  void events(@RequestParam(required = false) String status, @RequestParam(required = false) String workflow,
      @RequestParam(required = false) String job, @RequestParam(required = false) List<String> label,
      @RequestParam(name = "last_event_id", required = false) String lastEventIdParam,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      HttpServletRequest request, HttpServletResponse response) throws IOException {
    JobReads.Filter filter = filter(status, workflow, job, label);
    String last = lastEventId != null && !lastEventId.isBlank() ? lastEventId : lastEventIdParam;
    feed.subscribe(filter, last, SseStream.open(request, response, MAX_QUEUED_BYTES));
  }

  /**
   * A job's log lines as Server-Sent Events ({@code event: log}, the line id as event id), from the
   * first (or after {@code after}, or after {@code Last-Event-ID}) on, as they are applied; then
   * {@code event: end} with the job's final status, and the stream ends. 404 for an unknown job.
   */
  @ApiResponse(responseCode = "200", description = "An SSE stream: event: log (data: a line), then event: end",
      content = @Content(mediaType = "text/event-stream", schema = @Schema(type = "string")))
  @GetMapping(value = "/jobs/{id}/logs", params = "follow=true", produces = "text/event-stream")
  void follow(@PathVariable String id, @RequestParam(required = false) String after,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      HttpServletRequest request, HttpServletResponse response) throws IOException {
    Job job = jobs.get(id, Consistency.LINEARIZABLE);
    String from = lastEventId != null && !lastEventId.isBlank() ? lastEventId : after;
    long afterLine = -1;
    if (from != null && !from.isBlank()) {
      try {
        afterLine = Long.parseLong(from.strip());
      } catch (NumberFormatException e) {
        throw new BadRequestException("after", "after must be a line id, not \"" + from + "\"");
      }
    }
    feed.follow(job.seq(), afterLine, SseStream.open(request, response, MAX_QUEUED_BYTES));
  }

  static JobReads.Filter filter(String status, String workflow, String job) {
    return filter(status, workflow, job, null);
  }

  /** {@code labels}: the {@code label} parameter's values, each one label or several comma-separated. */
  static JobReads.Filter filter(String status, String workflow, String job, List<String> labels) {
    List<String> wanted = List.of();
    if (labels != null && !labels.isEmpty()) {
      List<String> all = new java.util.ArrayList<>();
      for (String v : labels) {
        for (String l : v.split(",")) {
          if (!l.isBlank()) {
            all.add(l.strip());
          }
        }
      }
      try {
        wanted = io.mvmci.job.Labels.canonical(all);
      } catch (IllegalArgumentException e) {
        throw new BadRequestException("label", "label: " + e.getMessage());
      }
    }
    Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
    if (status != null && !status.isBlank()) {
      for (String s : status.split(",")) {
        JobStatus parsed = JobStatus.parse(s.strip());
        if (parsed == null) {
          throw new BadRequestException("status", "status must be one or more of " + List.of(JobStatus.values())
              + ", comma-separated, not \"" + status + "\"");
        }
        statuses.add(parsed);
      }
    }
    long seq = -1;
    if (job != null && !job.isBlank()) {
      seq = JobId.parse(job.strip());
      if (seq < 0) {
        throw new BadRequestException("job", "job must be a job id such as job-12, not \"" + job + "\"");
      }
    }
    return new JobReads.Filter(Set.copyOf(statuses), workflow == null || workflow.isBlank() ? null : workflow.strip(),
        seq, wanted);
  }
}
