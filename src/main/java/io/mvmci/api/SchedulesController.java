package io.mvmci.api;

import io.mvmci.config.NodeConfig;
import io.mvmci.job.JobId;
import io.mvmci.queue.Consistency;
import io.mvmci.schedule.ScheduleService;
import io.mvmci.store.ScheduleQueries;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

/**
 * Cron schedules: create ({@code POST}), create or replace ({@code PUT}), list, read with recent fires,
 * delete, pause, resume and trigger. The leader fires them (see {@code schedule/DESIGN.md}). Reads are
 * linearizable unless {@code ?consistency=local}.
 */
@RestController
@RequestMapping("/api/v1/schedules")
class SchedulesController {
  static final int DEFAULT_FIRES = 20;

  private final ScheduleService schedules;
  private final ObjectMapper json;
  private final Clock clock;
  private final int maxBody;

  SchedulesController(ScheduleService schedules, ObjectMapper json, Clock clock, NodeConfig config) {
    this.schedules = schedules;
    this.json = json;
    this.clock = clock;
    this.maxBody = config.api().maxBodyBytes();
  }

  record Page(List<ScheduleView> schedules, String consistency) {}

  /** What a trigger did: {@code submitted}, {@code queued}, {@code skipped} or {@code failed}, and its job. */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  record Trigger(String scheduleId, String outcome, String jobId) {}

  @Operation(summary = "Create a schedule (409 if its id exists; PUT replaces)",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
          mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.ScheduleRequest.class))))
  @ApiResponse(responseCode = "201", description = "The new schedule (Location: its URL)",
      content = @Content(mediaType = "application/json", schema = @Schema(implementation = ScheduleView.class)))
  @PostMapping(consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
  ResponseEntity<ScheduleView> create(HttpServletRequest request) throws IOException {
    String text = RequestBodies.read(request, maxBody);
    ScheduleService.Saved saved = schedules.put(ScheduleRequests.fromJson(text, json, null, clock.millis()), true);
    return ResponseEntity.created(URI.create("/api/v1/schedules/" + saved.schedule().id()))
        .body(ScheduleView.of(saved.schedule()));
  }

  @Operation(summary = "Create or replace a schedule",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
          mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.ScheduleRequest.class))))
  @ApiResponse(responseCode = "201", description = "The schedule, created",
      content = @Content(mediaType = "application/json", schema = @Schema(implementation = ScheduleView.class)))
  @ApiResponse(responseCode = "200", description = "The schedule, replaced: its next fire time is computed anew;"
      + " its last job, counts and fires stay",
      content = @Content(mediaType = "application/json", schema = @Schema(implementation = ScheduleView.class)))
  @PutMapping(value = "/{id}", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
  ResponseEntity<ScheduleView> put(@PathVariable String id, HttpServletRequest request) throws IOException {
    String text = RequestBodies.read(request, maxBody);
    ScheduleService.Saved saved = schedules.put(ScheduleRequests.fromJson(text, json, id, clock.millis()), false);
    return ResponseEntity.status(saved.created() ? 201 : 200).body(ScheduleView.of(saved.schedule()));
  }

  @Operation(summary = "Every schedule, by id")
  @GetMapping
  ResponseEntity<Page> list(@RequestParam(required = false) String consistency) {
    Consistency c = ReadParams.consistency(consistency);
    return ResponseEntity.ok().headers(ReadParams.headers(c))
        .body(new Page(schedules.list(c).stream().map(ScheduleView::of).toList(), c.wireName()));
  }

  @Operation(summary = "A schedule, with its latest fires (newest first; fires: how many, up to 100)")
  @GetMapping("/{id}")
  ResponseEntity<ScheduleView> get(@PathVariable String id, @RequestParam(required = false) String fires,
      @RequestParam(required = false) String consistency) {
    Consistency c = ReadParams.consistency(consistency);
    int n = DEFAULT_FIRES;
    if (fires != null && !fires.isEmpty()) {
      try {
        n = Integer.parseInt(fires);
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 0 || n > 100) {
        throw new BadRequestException("fires", "fires must be an integer from 0 to 100, not \"" + fires + "\"");
      }
    }
    ScheduleQueries.Schedule s = schedules.get(id, c);
    return ResponseEntity.ok().headers(ReadParams.headers(c)).body(ScheduleView.of(s, schedules.fires(id, n)));
  }

  @Operation(summary = "Delete a schedule and its fire history (its jobs stay)")
  @ApiResponse(responseCode = "204", description = "Deleted")
  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable String id) {
    schedules.delete(id);
    return ResponseEntity.noContent().build();
  }

  @Operation(summary = "Pause a schedule: no fires until resumed")
  @PostMapping("/{id}/pause")
  ScheduleView pause(@PathVariable String id) {
    return ScheduleView.of(schedules.pause(id));
  }

  @Operation(summary = "Resume a schedule from its next fire time after now (a paused period is not caught up)")
  @PostMapping("/{id}/resume")
  ScheduleView resume(@PathVariable String id) {
    return ScheduleView.of(schedules.resume(id));
  }

  @Operation(summary = "Fire a schedule now, as its overlap policy allows; its own fire times do not move")
  @PostMapping("/{id}/trigger")
  Trigger trigger(@PathVariable String id) {
    ScheduleService.Triggered t = schedules.trigger(id);
    return new Trigger(id, t.outcome(), t.jobSeq() < 0 ? null : JobId.format(t.jobSeq()));
  }
}
