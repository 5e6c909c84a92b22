package io.mvmci.worker;

import io.mvmci.command.AppendSteps;
import io.mvmci.command.JobRef;
import io.mvmci.command.ReportProgress;
import io.mvmci.command.Result;
import io.mvmci.workflow.HistoryStep;
import io.mvmci.workflow.RunServices;
import io.mvmci.workflow.InvalidModuleException;
import io.mvmci.workflow.ModuleRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A remote worker's way to the queue: the worker endpoints of any control-plane node, over HTTP with
 * a bearer token. It sticks to the node that last answered and moves to the next on a connection
 * failure or a 5xx, so a worker keeps working through a node's death or a leader change (any node
 * takes its commands; the cluster routes them to the leader).
 *
 * <p>Modules: a claim names the module's hash; one this worker does not have is downloaded and
 * deployed into its own registry before the job is handed over.
 */
public final class RemoteTransport implements WorkTransport {
  private final List<URI> bases;
  private final String token;
  private final String workerId;
  private final ObjectMapper json;
  private final ModuleRegistry modules;
  private final HttpClient http;
  private final AtomicInteger current = new AtomicInteger();
  /** The control plane's {@code lease_ms} from its latest claim answer; 0 until one came. */
  private volatile long leaseMs;

  private List<String> labels = List.of();

  /**
   * This worker's labels, sent with each claim and heartbeat (the node may refuse ones its ticket
   * does not allow; with none, a ticket's own labels apply).
   */
  public RemoteTransport withLabels(List<String> labels) {
    this.labels = io.mvmci.job.Labels.canonical(labels);
    return this;
  }

  public RemoteTransport(List<URI> bases, String token, String workerId, ObjectMapper json,
      ModuleRegistry modules) {
    if (bases.isEmpty()) {
      throw new IllegalArgumentException("no control-plane URL");
    }
    this.bases = List.copyOf(bases);
    this.token = token;
    this.workerId = workerId;
    this.json = json;
    this.modules = modules;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  @Override
  public String workerId() {
    return workerId;
  }

  @Override
  public List<Result.ClaimedJob> claim(int max, Duration wait) {
    ObjectNode body = withLabels(body().put("max", max).put("wait_ms", wait.toMillis()));
    return claimed(post("/api/v1/workers/claim", body, wait.plusSeconds(15)));
  }

  /**
   * The jobs of a claim's (or claims list's) answer, and the lease the control plane gives them. Their
   * modules are fetched later, by {@link #prepare}, once the worker heartbeats the claims.
   */
  private List<Result.ClaimedJob> claimed(JsonNode reply) {
    long lease = reply.path("lease_ms").asLong(0);
    if (lease > 0) {
      leaseMs = lease;
    }
    List<Result.ClaimedJob> out = new ArrayList<>();
    for (JsonNode j : reply.path("jobs")) {
      String workflow = j.path("workflow").asString();
      String sha256 = j.path("module_sha256").asString(null);
      out.add(new Result.ClaimedJob(new JobRef(j.path("seq").asLong(), j.path("attempt").asInt()), workflow,
          json.writeValueAsString(j.path("input")), j.path("timeout_ms").asLong(),
          j.path("lease_until").asLong(), j.path("failures").asInt(), j.path("max_attempts").asInt(),
          sha256, j.path("execution").asInt(1), j.path("history_steps").asInt(0)));
    }
    return out;
  }

  @Override
  public List<JobRef> heartbeat(List<JobRef> running, int capacity) {
    ObjectNode body = withLabels(body().put("capacity", capacity));
    ArrayNode refs = body.putArray("running");
    running.forEach(r -> refs.addObject().put("seq", r.seq()).put("attempt", r.attempt()));
    return stale(post("/api/v1/workers/heartbeat", body, Duration.ofSeconds(15)));
  }

  @Override
  public List<JobRef> progress(List<ReportProgress.Item> items) {
    ObjectNode body = body();
    ArrayNode array = body.putArray("items");
    for (ReportProgress.Item i : items) {
      ObjectNode o = array.addObject().put("seq", i.job().seq()).put("attempt", i.job().attempt())
          .put("percent", i.percent()).put("message", i.message());
      ArrayNode lines = o.putArray("lines");
      i.lines().forEach(l -> lines.addObject().put("at", l.at()).put("level", l.level()).put("text", l.text()));
    }
    return stale(post("/api/v1/workers/progress", body, Duration.ofSeconds(15)));
  }

  @Override
  public boolean complete(JobRef job, String output) {
    ObjectNode body = ref(job);
    body.set("output", json.readTree(output));
    return post("/api/v1/workers/complete", body, Duration.ofSeconds(15)).path("accepted").asBoolean();
  }

  @Override
  public boolean fail(JobRef job, String error, boolean retryable, long retryDelayMs, String output) {
    ObjectNode body = ref(job).put("error", error).put("retryable", retryable)
        .put("retry_delay_ms", retryDelayMs);
    if (output != null) {
      body.set("output", json.readTree(output));
    }
    return post("/api/v1/workers/fail", body, Duration.ofSeconds(15)).path("accepted").asBoolean();
  }

  @Override
  public boolean release(JobRef job, String reason) {
    ObjectNode body = ref(job).put("reason", reason);
    return post("/api/v1/workers/release", body, Duration.ofSeconds(15)).path("accepted").asBoolean();
  }

  @Override
  public List<Result.ClaimedJob> claimsHeld() {
    return claimed(post("/api/v1/workers/claims", body(), Duration.ofSeconds(15)));
  }

  @Override
  public Result appendSteps(JobRef job, List<AppendSteps.Write> writes) {
    ObjectNode body = ref(job);
    putWrites(body, writes);
    return appended(post("/api/v1/workers/steps", body, Duration.ofSeconds(30)), new Result.Ack());
  }

  private static void putWrites(ObjectNode body, List<AppendSteps.Write> writes) {
    ArrayNode array = body.putArray("writes");
    Base64.Encoder b64 = Base64.getEncoder();
    for (AppendSteps.Write w : writes) {
      array.addObject().put("seq", w.seq()).put("kind", w.kind()).put("digest", b64.encodeToString(w.digest()))
          .put("summary", w.summary()).put("code", w.code()).put("offset", w.offset())
          .put("bytes", b64.encodeToString(w.bytes())).put("last", w.last());
    }
  }

  /** {@code ok} is {@code done}; a refusal is the queue's, with its reason. */
  private static Result appended(JsonNode reply, Result done) {
    String message = reply.path("message").asString("");
    return switch (reply.path("result").asString("")) {
      case "ok" -> done;
      case "limit" -> new Result.Rejected(Result.Reason.LIMIT, message);
      case "invalid" -> new Result.Rejected(Result.Reason.INVALID, message);
      case "stale" -> new Result.Rejected(Result.Reason.STALE_CLAIM, message);
      default -> throw new WorkException("control plane answered with " + reply);
    };
  }

  @Override
  public List<HistoryStep> steps(JobRef job, int execution) {
    JsonNode reply = post("/api/v1/workers/history", ref(job).put("execution", execution), Duration.ofSeconds(30));
    List<HistoryStep> out = new ArrayList<>();
    for (JsonNode s : reply.path("steps")) {
      out.add(new HistoryStep(s.path("seq").asInt(), s.path("kind").asString(),
          Base64.getDecoder().decode(s.path("digest").asString()), s.path("summary").asString(""),
          s.path("done").asBoolean(), s.path("code").asInt()));
    }
    return out;
  }

  @Override
  public byte[] stepResult(JobRef job, int execution, int seq) {
    byte[] bytes = json.writeValueAsBytes(ref(job).put("execution", execution).put("step", seq));
    return send("/api/v1/workers/step-result", b -> b.POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .header("Content-Type", "application/json"), Duration.ofSeconds(60));
  }

  @Override
  public Result suspend(JobRef job, String waitingFor, long wakeAt, long signalsAfter, List<AppendSteps.Write> writes) {
    ObjectNode body = ref(job).put("waiting_for", waitingFor).put("wake_at", wakeAt).put("signals_after", signalsAfter);
    putWrites(body, writes);
    return appended(post("/api/v1/workers/suspend", body, Duration.ofSeconds(30)),
        new Result.Done(io.mvmci.job.JobStatus.Waiting));
  }

  @Override
  public java.util.Optional<RunServices.Signal> nextSignal(JobRef job, String name, long afterId) {
    JsonNode s = post("/api/v1/workers/signal", ref(job).put("name", name).put("after", afterId),
        Duration.ofSeconds(15)).path("signal");
    if (!s.isObject()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new RunServices.Signal(s.path("id").asLong(),
        s.path("payload").asString("").getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public RunServices.Answer spawn(JobRef parent, String key, byte[] request) {
    ObjectNode body = ref(parent).put("key", key).put("request", Base64.getEncoder().encodeToString(request));
    return answer(post("/api/v1/workers/spawn", body, Duration.ofSeconds(30)));
  }

  @Override
  public RunServices.Answer childOutcome(JobRef parent, String childId) {
    return answer(post("/api/v1/workers/child", ref(parent).put("child", childId), Duration.ofSeconds(30)));
  }

  private static RunServices.Answer answer(JsonNode reply) {
    String waitFor = reply.path("wait_for").isString() ? reply.path("wait_for").asString() : null;
    if (waitFor != null) {
      return RunServices.Answer.waitFor(waitFor);
    }
    return RunServices.Answer.of(reply.path("code").asInt(), Base64.getDecoder().decode(reply.path("bytes").asString("")));
  }

  @Override
  public void prepare(Result.ClaimedJob job) {
    ensureModule(job.workflow(), job.moduleSha256());
  }

  @Override
  public OptionalLong leaseMs() {
    long lease = leaseMs;
    return lease > 0 ? OptionalLong.of(lease) : OptionalLong.empty();
  }

  private void ensureModule(String name, String sha256) {
    if (sha256 == null || modules.find(name, sha256).isPresent()) {
      return;
    }
    byte[] wasm = get("/api/v1/modules/" + name + "/" + sha256);
    try {
      modules.deploy(name, wasm);
    } catch (InvalidModuleException e) {
      throw new WorkException("module " + name + " " + sha256 + " from the control plane does not load: "
          + e.getMessage());
    }
  }

  private ObjectNode withLabels(ObjectNode body) {
    if (!labels.isEmpty()) {
      ArrayNode a = body.putArray("labels");
      labels.forEach(a::add);
    }
    return body;
  }

  private ObjectNode body() {
    return json.createObjectNode().put("worker_id", workerId);
  }

  private ObjectNode ref(JobRef job) {
    return body().put("seq", job.seq()).put("attempt", job.attempt());
  }

  private static List<JobRef> stale(JsonNode reply) {
    List<JobRef> out = new ArrayList<>();
    reply.path("stale").forEach(r -> out.add(new JobRef(r.path("seq").asLong(), r.path("attempt").asInt())));
    return out;
  }

  private JsonNode post(String path, ObjectNode body, Duration timeout) {
    byte[] bytes = json.writeValueAsBytes(body);
    byte[] reply = send(path, b -> b.POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .header("Content-Type", "application/json"), timeout);
    try {
      return json.readTree(reply);
    } catch (JacksonException e) {
      throw new WorkException("control plane answered " + path + " with something that is not JSON");
    }
  }

  private byte[] get(String path) {
    return send(path, HttpRequest.Builder::GET, Duration.ofSeconds(30));
  }

  /** Uploads the artifact over the worker endpoint; the node streams it into the group. */
  @Override
  public RunServices.Answer storeArtifact(JobRef job, String name, java.nio.file.Path file, long size,
      String sha256) {
    String path = "/api/v1/workers/jobs/" + io.mvmci.job.JobId.format(job.seq()) + "/artifacts/"
        + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    try {
      byte[] reply = send(path, b -> {
        try {
          return b.PUT(HttpRequest.BodyPublishers.ofFile(file));
        } catch (java.io.FileNotFoundException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, Duration.ofMinutes(10));
      return RunServices.Answer.of(0, reply);
    } catch (WorkException.Refused e) {
      return RunServices.Answer.of(1, e.getMessage().getBytes(StandardCharsets.UTF_8));
    }
  }

  private interface Method {
    HttpRequest.Builder apply(HttpRequest.Builder b);
  }

  /** Tries each control-plane node once, starting with the one that answered last. */
  private byte[] send(String path, Method method, Duration timeout) {
    String lastError = "no control-plane node tried";
    int start = current.get();
    for (int i = 0; i < bases.size(); i++) {
      int index = (start + i) % bases.size();
      URI uri = bases.get(index).resolve(path);
      HttpRequest request = method.apply(HttpRequest.newBuilder(uri))
          .header("Authorization", "Bearer " + token).timeout(timeout).build();
      try {
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() / 100 == 2) {
          current.set(index);
          return r.body();
        }
        lastError = bases.get(index) + " answered " + r.statusCode() + ": " + detail(r.body());
        if (r.statusCode() < 500) {
          throw new WorkException.Refused(lastError);
        }
      } catch (IOException e) {
        lastError = bases.get(index) + ": " + e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WorkException("interrupted");
      }
    }
    throw new WorkException("no control-plane node answered " + path + "; last: " + lastError);
  }

  private String detail(byte[] body) {
    try {
      JsonNode n = json.readTree(body);
      return n.path("detail").asString(new String(body, StandardCharsets.UTF_8));
    } catch (JacksonException e) {
      return new String(body, StandardCharsets.UTF_8);
    }
  }
}
