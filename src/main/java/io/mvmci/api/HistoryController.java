package io.mvmci.api;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.Operation;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.mvmci.deploy.Replays;
import io.mvmci.job.Job;
import io.mvmci.queue.Consistency;
import io.mvmci.queue.JobService;
import io.mvmci.store.HistoryQueries;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A job's run history, as the replicated log holds it: every step of every execution, grouped by the
 * attempt that recorded it. Any node answers (linearizable by default, like every read).
 */
@RestController
@RequestMapping("/api/v1")
class HistoryController {
  private final JobService jobs;
  private final Replays replays;
  private final ObjectMapper json;

  HistoryController(JobService jobs, Replays replays, ObjectMapper json) {
    this.jobs = jobs;
    this.replays = replays;
    this.json = json;
  }

  record History(String jobId, List<Execution> executions) {}

  record Execution(int execution, List<Attempt> attempts) {}

  record Attempt(int attempt, List<StepView> steps) {}

  /**
   * @param outcome {@code ok}, {@code in flight} (its start is recorded, its result not), or for an
   *     {@code http_request} that failed, its error ({@code transport}, {@code interrupted}, {@code denied})
   * @param result the recorded result as text, when asked for and it is UTF-8
   * @param resultBase64 the recorded result, when asked for and it is not UTF-8
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record StepView(int seq, String kind, String summary, String outcome, int code, long resultBytes,
      String startedAt, String finishedAt, Long durationMs, String result, String resultBase64) {

    static StepView of(HistoryQueries.Step s) {
      String text = null;
      String base64 = null;
      if (s.result() != null) {
        text = utf8(s.result());
        base64 = text == null ? Base64.getEncoder().encodeToString(s.result()) : null;
      }
      return new StepView(s.seq(), s.kind(), s.summary(), outcome(s), s.code(), s.resultBytes(),
          JobView.time(s.startedAt()), JobView.time(s.finishedAt()),
          s.finishedAt() == null ? null : s.finishedAt() - s.startedAt(), text, base64);
    }

    private static String outcome(HistoryQueries.Step s) {
      if (!s.done()) {
        return "in flight";
      }
      if (s.kind().equals("http_request") && s.code() < 0) {
        return switch (s.code()) {
          case -1 -> "transport";
          case -2 -> "interrupted";
          case -3 -> "denied";
          default -> "error " + s.code();
        };
      }
      return "ok";
    }

    private static String utf8(byte[] b) {
      try {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
      } catch (CharacterCodingException e) {
        return null;
      }
    }
  }

  /**
   * Every recorded step of the job, by execution and attempt: kind, summary, outcome, result size,
   * times. {@code ?results=true} adds each step's recorded result.
   */
  @GetMapping("/jobs/{id}/history")
  ResponseEntity<History> history(@PathVariable String id, @RequestParam(required = false) String results,
      @RequestParam(required = false) String consistency) {
    Consistency c = ReadParams.consistency(consistency);
    boolean withResults = flag("results", results);
    Map<Integer, Map<Integer, List<StepView>>> grouped = new LinkedHashMap<>();
    for (HistoryQueries.Step s : jobs.history(id, withResults, c)) {
      grouped.computeIfAbsent(s.execution(), e -> new LinkedHashMap<>())
          .computeIfAbsent(s.attempt(), a -> new ArrayList<>()).add(StepView.of(s));
    }
    List<Execution> executions = new ArrayList<>();
    grouped.forEach((execution, attempts) -> {
      List<Attempt> list = new ArrayList<>();
      attempts.forEach((attempt, steps) -> list.add(new Attempt(attempt, steps)));
      executions.add(new Execution(execution, list));
    });
    return ResponseEntity.ok().headers(ReadParams.headers(c)).body(new History(id, executions));
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ReplayView(String jobId, int execution, String moduleSha256, String verdict, int stepsRecorded,
      int stepsReplayed, String divergence, String ending) {}

  /**
   * Re-runs the job's current execution against its recorded history, with no side effects, on this
   * node: against the version its last attempt ran, or {@code {"module_sha256": ...}}. The verdict is
   * {@code deterministic}, or {@code diverges} with the first step where it does and how.
   */
  @Operation(summary = "Replay the job's history without side effects", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
      mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.ReplayRequest.class))))
  @PostMapping("/jobs/{id}/replay")
  ReplayView replay(@PathVariable String id, HttpServletRequest request) throws IOException {
    String body = RequestBodies.read(request, 4096);
    String sha256 = null;
    if (!body.isBlank()) {
      JsonNode root;
      try {
        root = json.readTree(body);
      } catch (JacksonException e) {
        throw new BadRequestException(null, "body is not valid JSON: " + e.getOriginalMessage());
      }
      if (root == null || !root.isObject() || root.size() > 1 || (root.size() == 1 && !root.has("module_sha256"))) {
        throw new BadRequestException(null, "body must be {} or {\"module_sha256\": \"...\"}");
      }
      JsonNode sha = root.get("module_sha256");
      if (sha != null && !sha.isNull()) {
        if (!sha.isString()) {
          throw new BadRequestException("module_sha256", "module_sha256 must be a string");
        }
        sha256 = sha.asString();
      }
    }
    Job job = jobs.get(id, Consistency.LINEARIZABLE);
    Replays.JobReplay r;
    try {
      r = replays.replay(job, sha256);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("module_sha256", e.getMessage());
    }
    return new ReplayView(r.jobId(), r.execution(), r.moduleSha256(),
        r.report().deterministic() ? "deterministic" : "diverges", r.report().recordedSteps(),
        r.report().replayedSteps(), r.report().divergence(), r.report().ending());
  }

  static boolean flag(String name, String value) {
    if (value == null || value.isEmpty() || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw new BadRequestException(name, name + " must be true or false, not \"" + value + "\"");
  }
}
