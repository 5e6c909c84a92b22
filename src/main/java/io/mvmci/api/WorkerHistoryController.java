package io.mvmci.api;

import io.mvmci.command.AppendSteps;
import io.mvmci.command.JobRef;
import io.mvmci.command.Result;
import io.mvmci.job.Job;
import io.mvmci.job.JobStatus;
import io.mvmci.queue.Consistency;
import io.mvmci.queue.JobService;
import io.mvmci.worker.node.LocalTransport;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The replicated run history as remote workers reach it (guarded like every worker endpoint): append
 * steps under a claim, read the history of a claim they hold to resume it, and list the claims they
 * hold after a restart; and what their runs wait for (ABI v3): suspend a run, read its job's signals,
 * spawn and await its children. This node proposes and reads on the worker's behalf, stamping its own
 * clock and history limits. Byte fields (digests, results) travel as base64.
 */
@RestController
@RequestMapping("/api/v1/workers")
class WorkerHistoryController {
  /** A piece of a result (at most 256 KiB) in base64, with the rest of a command around it. */
  static final int MAX_BODY = 2 * 1024 * 1024;

  private final RemoteWorkerTransports transports;
  private final JobService jobs;
  private final ObjectMapper json;

  WorkerHistoryController(RemoteWorkerTransports transports, JobService jobs, ObjectMapper json) {
    this.transports = transports;
    this.jobs = jobs;
    this.json = json;
  }

  /** {@code ok}, or {@code stale}, {@code limit} or {@code invalid} with the queue's reason. */
  record Appended(String result, String message) {}

  record Steps(List<StepView> steps) {}

  record StepView(int seq, String kind, String digest, String summary, boolean done, int code) {}

  /** Appends writes to the history of a run this worker holds the claim on. */
  @PostMapping("/steps")
  Appended append(HttpServletRequest request) throws IOException {
    JsonNode body = body(request);
    List<AppendSteps.Write> writes = writes(body);
    if (writes.isEmpty()) {
      throw new BadRequestException("writes", "writes must be a non-empty array");
    }
    return appended(transport(request, body).appendSteps(ref(body), writes));
  }

  private static List<AppendSteps.Write> writes(JsonNode body) {
    List<AppendSteps.Write> writes = new ArrayList<>();
    for (JsonNode w : body.path("writes")) {
      writes.add(new AppendSteps.Write(integer(w, "seq"), text(w, "kind", 64), bytes(w, "digest"),
          text(w, "summary", 4096), integer(w, "code", Integer.MIN_VALUE), integer(w, "offset"), bytes(w, "bytes"),
          w.path("last").asBoolean(false)));
    }
    return writes;
  }

  private static Appended appended(Result r) {
    if (r instanceof Result.Rejected rejected) {
      String kind = switch (rejected.reason()) {
        case LIMIT -> "limit";
        case INVALID -> "invalid";
        default -> "stale";
      };
      return new Appended(kind, rejected.message());
    }
    return new Appended("ok", null);
  }

  /** The steps of an execution of a job this worker holds the claim on, without results. */
  @PostMapping("/history")
  Steps history(HttpServletRequest request) throws IOException {
    Claim c = claim(request, "execution");
    return new Steps(c.transport().steps(c.job(), integer(c.body(), "execution")).stream().map(s -> new StepView(s.seq(), s.kind(),
        Base64.getEncoder().encodeToString(s.digest()), s.summary(), s.done(), s.code())).toList());
  }

  /** The recorded result of one step, as bytes. */
  @PostMapping("/step-result")
  ResponseEntity<byte[]> stepResult(HttpServletRequest request) throws IOException {
    Claim c = claim(request, "execution", "step");
    byte[] result = c.transport().stepResult(c.job(), integer(c.body(), "execution"), integer(c.body(), "step"));
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(result);
  }

  /** The claims this worker holds now: what it resumes after a restart. */
  @PostMapping("/claims")
  WorkerController.Claimed claims(HttpServletRequest request) throws IOException {
    JsonNode body = body(request);
    return WorkerController.Claimed.of(transport(request, body).claimsHeld(), transports);
  }

  record SignalView(long id, String payload) {}

  record NextSignal(SignalView signal) {}

  /** A guest's answer: {@code code} and {@code bytes} (base64), or {@code wait_for} while a child runs. */
  record AnswerView(int code, String bytes, String wait_for) {
    static AnswerView of(io.mvmci.workflow.RunServices.Answer a) {
      return new AnswerView(a.code(), Base64.getEncoder().encodeToString(a.bytes()), a.waitFor());
    }
  }

  /**
   * The run under this claim waits, with its last history writes: the job gives its slot back until
   * the wait is over. Answered as {@code /steps} is.
   */
  @PostMapping("/suspend")
  Appended suspend(HttpServletRequest request) throws IOException {
    JsonNode body = body(request);
    JsonNode wakeAt = body.path("wake_at");
    JsonNode after = body.path("signals_after");
    return appended(transport(request, body).suspend(ref(body), text(body, "waiting_for", 200),
        wakeAt.isIntegralNumber() ? wakeAt.asLong() : -1, after.isIntegralNumber() ? after.asLong() : 0,
        writes(body)));
  }

  /** The next signal of a name sent to a job this worker runs, after the last one its run took. */
  @PostMapping("/signal")
  NextSignal signal(HttpServletRequest request) throws IOException {
    Claim c = claim(request);
    JsonNode after = c.body().path("after");
    return new NextSignal(c.transport().nextSignal(c.job(), text(c.body(), "name", 128),
            after.isIntegralNumber() ? after.asLong() : 0)
        .map(s -> new SignalView(s.id(), new String(s.payload(), java.nio.charset.StandardCharsets.UTF_8)))
        .orElse(null));
  }

  /** Spawns a child of a job this worker runs, under the run's key. */
  @PostMapping("/spawn")
  AnswerView spawn(HttpServletRequest request) throws IOException {
    Claim c = claim(request);
    return AnswerView.of(c.transport().spawn(c.job(), text(c.body(), "key", 255), bytes(c.body(), "request")));
  }

  /** The outcome of a child of a job this worker runs. */
  @PostMapping("/child")
  AnswerView child(HttpServletRequest request) throws IOException {
    Claim c = claim(request);
    return AnswerView.of(c.transport().childOutcome(c.job(), text(c.body(), "child", 100)));
  }

  /** A request on a job this worker holds the current claim on: its body, the worker's transport, the job. */
  private record Claim(JsonNode body, LocalTransport transport, JobRef job) {}

  /**
   * Reads the request and checks the claim. {@code ints} are the body's integer fields the endpoint reads:
   * a malformed one is a 400 naming it, answered before the claim is looked up.
   */
  private Claim claim(HttpServletRequest request, String... ints) throws IOException {
    JsonNode body = body(request);
    LocalTransport transport = transport(request, body);
    JobRef job = ref(body);
    for (String field : ints) {
      integer(body, field);
    }
    requireClaim(transport, job);
    return new Claim(body, transport, job);
  }

  /** Only the worker holding a job's current claim reads its history, its signals and its children. */
  private void requireClaim(LocalTransport transport, JobRef ref) {
    Job job = jobs.get(io.mvmci.job.JobId.format(ref.seq()), Consistency.LINEARIZABLE);
    if (job.status() != JobStatus.InProgress || job.attempt() != ref.attempt()
        || !transport.workerId().equals(job.workerId())) {
      throw new io.mvmci.queue.JobConflictException("claim " + ref.attempt() + " of " + job.id() + " by "
          + transport.workerId() + " is not current");
    }
  }

  private LocalTransport transport(HttpServletRequest request, JsonNode body) {
    return transports.forRequest(request, body.path("worker_id").asString(""));
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

  private static JobRef ref(JsonNode n) {
    return WorkerController.ref(n);
  }

  private static int integer(JsonNode n, String name) {
    return integer(n, name, 0);
  }

  private static int integer(JsonNode n, String name, int min) {
    JsonNode v = n.get(name);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min) {
      throw new BadRequestException(name, "\"" + name + "\" must be an integer" + (min == 0 ? " of 0 or more" : ""));
    }
    return v.asInt();
  }

  private static String text(JsonNode n, String name, int max) {
    JsonNode v = n.get(name);
    if (v == null || !v.isString() || v.asString().length() > max) {
      throw new BadRequestException(name, "\"" + name + "\" must be a string of at most " + max + " characters");
    }
    return v.asString();
  }

  private static byte[] bytes(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || !v.isString()) {
      throw new BadRequestException(name, "\"" + name + "\" must be a base64 string");
    }
    try {
      return Base64.getDecoder().decode(v.asString());
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(name, "\"" + name + "\" is not valid base64");
    }
  }
}
