package io.mvmci.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.mvmci.command.JobRef;
import io.mvmci.command.ReportProgress;
import io.mvmci.command.Result;
import io.mvmci.config.NodeConfig;
import io.mvmci.job.JobId;
import io.mvmci.queue.Consistency;
import io.mvmci.queue.JobService;
import io.mvmci.replication.RaftNode;
import io.mvmci.store.JobQueries;
import io.mvmci.worker.node.LocalTransport;
import io.mvmci.worker.node.WorkSignal;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.WorkflowModule;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The endpoints remote workers use (guarded by {@link InternalAuthFilter}). This node proposes each
 * command on the worker's behalf, stamped with this node's clock, exactly as it does for its own
 * embedded workers. A claim is a long poll: with nothing runnable it waits (up to {@code wait_ms})
 * until this node sees work and answers empty, and the worker claims again at once; it never claims
 * after waiting, so nothing is claimed for a worker that died or lost its ticket meanwhile.
 */
@RestController
@RequestMapping("/api/v1/workers")
class WorkerController {
  static final int MAX_BODY = 4 * 1024 * 1024;
  static final long MAX_WAIT_MS = 30_000;

  private final RemoteWorkerTransports transports;
  private final ObjectMapper json;
  private final JobService jobs;
  private final ClaimPause pause;

  WorkerController(RemoteWorkerTransports transports, ObjectMapper json, JobService jobs, ClaimPause pause) {
    this.transports = transports;
    this.json = json;
    this.jobs = jobs;
    this.pause = pause;
  }

  record Ref(long seq, int attempt) {
    JobRef toRef() {
      return new JobRef(seq, attempt);
    }

    static Ref of(JobRef r) {
      return new Ref(r.seq(), r.attempt());
    }
  }

  record ClaimedView(String jobId, long seq, int attempt, String workflow, String moduleSha256,
      @JsonRawValue String input, long timeoutMs, long leaseUntil,
      int failures, int maxAttempts, int execution, int historySteps) {
    static ClaimedView of(Result.ClaimedJob j) {
      return new ClaimedView(JobId.format(j.ref().seq()), j.ref().seq(), j.ref().attempt(), j.workflow(),
          j.moduleSha256(), j.input(), j.timeoutMs(), j.leaseUntil(), j.failures(), j.maxAttempts(),
          j.execution(), j.historySteps());
    }
  }

  /**
   * A claim's answer, and the claims-held list's. {@code lease_ms} is the lease this node gives the claims
   * it proposes ({@code [jobs] lease_ms}): a worker counts on no more than that in its lease check.
   */
  record Claimed(List<ClaimedView> jobs, long leaseMs) {
    static Claimed of(List<Result.ClaimedJob> jobs, RemoteWorkerTransports transports) {
      return new Claimed(jobs.stream().map(ClaimedView::of).toList(), transports.leaseMs());
    }
  }

  record Stale(List<Ref> stale) {}

  record Accepted(boolean accepted) {}

  /**
   * A node or worker as an operator sees it; times are ISO-8601. {@code label} is the label of the
   * ticket a remote worker came with ({@code <ticket id>:<worker id>}); {@code labels}, the worker labels
   * it advertised with its last heartbeat.
   */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  record WorkerView(String workerId, Integer nodeId, String kind, String status, String startedAt,
      String lastSeen, int capacity, int running, String label, List<String> labels) {
    static WorkerView of(JobQueries.Worker w, java.util.Map<String, String> ticketLabels) {
      int colon = w.workerId().indexOf(':');
      String label = colon > 0 ? ticketLabels.get(w.workerId().substring(0, colon)) : null;
      return new WorkerView(w.workerId(), w.nodeId(), w.kind(), w.status(), JobView.time(w.startedAt()),
          JobView.time(w.lastSeen()), w.capacity(), w.running(), label, w.labels().isEmpty() ? null : w.labels());
    }
  }

  record Workers(List<WorkerView> workers, String consistency) {}

  /**
   * Every node and remote worker that has sent a heartbeat: alive, or dead (the reaper saw its beats
   * stop). Public, like the job reads (the optional API token guards it).
   */
  @GetMapping
  ResponseEntity<Workers> list(@RequestParam(required = false) String consistency) {
    Consistency c = ReadParams.consistency(consistency);
    List<JobQueries.Worker> all = jobs.workers(c);
    java.util.Map<String, String> labels = new java.util.HashMap<>();
    if (all.stream().anyMatch(w -> w.workerId().indexOf(':') > 0)) {
      jobs.read(Consistency.LOCAL, JobQueries::tickets).forEach(t -> labels.put(t.id(), t.label()));
    }
    return ResponseEntity.ok().headers(ReadParams.headers(c))
        .body(new Workers(all.stream().map(w -> WorkerView.of(w, labels)).toList(), c.wireName()));
  }

  @PostMapping("/claim")
  Claimed claim(HttpServletRequest request) throws IOException {
    JsonNode body = body(request);
    int max = intField(body, "max", 1, 1024);
    long waitMs = body.has("wait_ms") ? longField(body, "wait_ms", 0, MAX_WAIT_MS) : 0;
    if (pause.paused()) {
      transport(request, body); // the caller's credential and worker_id are still checked
      return Claimed.of(List.of(), transports);
    }
    List<Result.ClaimedJob> jobs = transport(request, body).claimThenWait(max, Duration.ofMillis(waitMs));
    return Claimed.of(jobs, transports);
  }

  @PostMapping("/heartbeat")
  Stale heartbeat(HttpServletRequest request) throws IOException {
    JsonNode body = body(request);
    int capacity = intField(body, "capacity", 1, 4096);
    return new Stale(transport(request, body).heartbeat(refs(body.path("running")), capacity).stream()
        .map(Ref::of).toList());
  }

  @PostMapping("/progress")
  Stale progress(HttpServletRequest request) throws IOException {
    JsonNode body = body(request);
    List<ReportProgress.Item> items = new ArrayList<>();
    for (JsonNode item : body.path("items")) {
      List<ReportProgress.Line> lines = new ArrayList<>();
      for (JsonNode l : item.path("lines")) {
        lines.add(new ReportProgress.Line(longField(l, "at", 0, Long.MAX_VALUE), intField(l, "level", 0, 3),
            clip(l.path("text").asString(""), 8 * 1024)));
      }
      int percent = item.has("percent") ? intField(item, "percent", -1, 100) : -1;
      items.add(new ReportProgress.Item(ref(item), percent, clip(item.path("message").asString(""), 1024), lines));
    }
    return new Stale(transport(request, body).progress(items).stream().map(Ref::of).toList());
  }

  @PostMapping("/complete")
  Accepted complete(HttpServletRequest request) throws IOException {
    JsonNode body = body(request);
    JsonNode output = body.get("output");
    String text = output == null ? "null" : json.writeValueAsString(output);
    return new Accepted(transport(request, body).complete(ref(body), text));
  }

  @PostMapping("/fail")
  Accepted fail(HttpServletRequest request) throws IOException {
    JsonNode body = body(request);
    String error = clip(body.path("error").asString("failed"), 8 * 1024);
    long delay = body.has("retry_delay_ms") ? longField(body, "retry_delay_ms", 0, 86_400_000) : 0;
    JsonNode output = body.get("output");
    return new Accepted(transport(request, body).fail(ref(body), error, body.path("retryable").asBoolean(false), delay,
        output == null || output.isNull() ? null : json.writeValueAsString(output)));
  }

  @PostMapping("/release")
  Accepted release(HttpServletRequest request) throws IOException {
    JsonNode body = body(request);
    return new Accepted(transport(request, body).release(ref(body), clip(body.path("reason").asString("released"), 1024)));
  }

  private LocalTransport transport(HttpServletRequest request, JsonNode body) {
    return transports.forRequest(request, body.path("worker_id").asString(""), labels(body));
  }

  /** {@code "labels": ["gpu", ...]}: the worker's labels (absent: none). */
  static List<String> labels(JsonNode body) {
    JsonNode n = body.get("labels");
    if (n == null || n.isNull()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (n.isArray()) {
      for (JsonNode l : n) {
        if (!l.isString()) {
          out = null;
          break;
        }
        out.add(l.asString());
      }
    }
    if (!n.isArray() || out == null) {
      throw new BadRequestException("labels", "\"labels\" must be an array of strings");
    }
    try {
      return io.mvmci.job.Labels.canonical(out);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("labels", e.getMessage());
    }
  }

  private JsonNode body(HttpServletRequest request) throws IOException {
    String text = RequestBodies.read(request, MAX_BODY);
    try {
      JsonNode n = json.readTree(text);
      if (n == null || !n.isObject()) {
        throw new BadRequestException(null, "body must be a JSON object");
      }
      return n;
    } catch (JacksonException e) {
      throw new BadRequestException(null, "body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static List<JobRef> refs(JsonNode array) {
    List<JobRef> out = new ArrayList<>();
    for (JsonNode r : array) {
      out.add(ref(r));
    }
    return out;
  }

  /** A claim: {@code seq} and {@code attempt}, each a non-negative integer that fits its field. */
  static JobRef ref(JsonNode n) {
    JsonNode seq = n.path("seq");
    JsonNode attempt = n.path("attempt");
    if (!seq.isIntegralNumber() || !attempt.isIntegralNumber()) {
      throw new BadRequestException("seq", "each job needs integer \"seq\" and \"attempt\"");
    }
    if (!seq.canConvertToLong() || seq.asLong() < 0) {
      throw new BadRequestException("seq", "\"seq\" must be an integer from 0 to " + Long.MAX_VALUE);
    }
    if (!attempt.canConvertToInt() || attempt.asInt() < 0) {
      throw new BadRequestException("attempt", "\"attempt\" must be an integer from 0 to " + Integer.MAX_VALUE);
    }
    return new JobRef(seq.asLong(), attempt.asInt());
  }

  private static int intField(JsonNode body, String name, int min, int max) {
    return (int) longField(body, name, min, max);
  }

  private static long longField(JsonNode body, String name, long min, long max) {
    JsonNode n = body.get(name);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
      throw new BadRequestException(name, "\"" + name + "\" must be an integer from " + min + " to " + max);
    }
    return n.asLong();
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
