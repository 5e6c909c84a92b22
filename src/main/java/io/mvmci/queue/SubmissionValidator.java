package io.mvmci.queue;

import io.mvmci.command.JobOptions;
import io.mvmci.command.SubmitJob;
import io.mvmci.job.ConcurrencyPolicy;
import io.mvmci.job.Dispatch;
import io.mvmci.job.Labels;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Turns a {@link NewJob} into a {@link SubmitJob} stamped with the time, or says what is wrong. */
final class SubmissionValidator {
  private static final Pattern WORKFLOW = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1," + JobDefaults.MAX_KEY_CHARS + "}");

  private final JobDefaults defaults;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Predicate<String> knownWorkflow;
  private final BiPredicate<String, String> knownVersion;
  private final ObjectMapper json;

  SubmissionValidator(JobDefaults defaults, Predicate<String> knownWorkflow,
      BiPredicate<String, String> knownVersion, ObjectMapper json) {
    this.defaults = defaults;
    this.knownWorkflow = knownWorkflow;
    this.knownVersion = knownVersion;
    this.json = json;
  }

  SubmitJob validate(NewJob j, long now) {
    String workflow = j.workflow() == null ? defaults.workflow() : j.workflow();
    if (!WORKFLOW.matcher(workflow).matches()) {
      throw new InvalidJobException("workflow",
          "workflow must be 1-64 lower-case letters, digits, '.', '_' or '-', not \"" + clip(workflow) + "\"");
    }
    if (!knownWorkflow.test(workflow)) {
      throw new InvalidJobException("workflow", "no workflow module named \"" + workflow + "\" is deployed");
    }
    String url = j.url() == null ? null : checkUrl(j.url());
    String input = input(j, url);
    if (url == null && workflow.equals(defaults.workflow()) && j.input() == null) {
      throw new InvalidJobException("url", "url is required");
    }
    int priority = j.priority() == null ? 0 : j.priority();
    if (priority < -JobDefaults.MAX_PRIORITY || priority > JobDefaults.MAX_PRIORITY) {
      throw new InvalidJobException("priority", "priority must be between -" + JobDefaults.MAX_PRIORITY
          + " and " + JobDefaults.MAX_PRIORITY + ", not " + priority);
    }
    long runAt;
    try {
      runAt = j.runAt() == null ? now : j.runAt().toEpochMilli();
    } catch (ArithmeticException e) {
      throw new InvalidJobException("run_at", "run_at may be at most 366 days ahead");
    }
    if (runAt - now > JobDefaults.MAX_DELAY_MS) {
      throw new InvalidJobException("run_at", "run_at may be at most 366 days ahead");
    }
    int attempts = j.maxAttempts() == null ? defaults.maxAttempts() : j.maxAttempts();
    if (attempts < 1 || attempts > JobDefaults.MAX_ATTEMPTS) {
      throw new InvalidJobException("max_attempts",
          "max_attempts must be between 1 and " + JobDefaults.MAX_ATTEMPTS + ", not " + attempts);
    }
    long timeout = j.timeoutMs() == null ? defaults.timeoutMs() : j.timeoutMs();
    if (timeout < JobDefaults.MIN_TIMEOUT_MS || timeout > JobDefaults.MAX_TIMEOUT_MS) {
      throw new InvalidJobException("timeout_ms", "timeout_ms must be between "
          + JobDefaults.MIN_TIMEOUT_MS + " and " + JobDefaults.MAX_TIMEOUT_MS + ", not " + timeout);
    }
    String key = j.idempotencyKey();
    if (key != null && !KEY.matcher(key).matches()) {
      throw new InvalidJobException("idempotency_key",
          "an idempotency key is 1-255 printable ASCII characters without spaces");
    }
    String pin = j.moduleSha256();
    if (pin != null) {
      if (!SHA256.matcher(pin).matches()) {
        throw new InvalidJobException("module_sha256",
            "module_sha256 must be a sha-256 in 64 lower-case hex digits, not \"" + clip(pin) + "\"");
      }
      if (!knownVersion.test(workflow, pin)) {
        throw new InvalidJobException("module_sha256", "no version " + pin + " of workflow \"" + workflow
            + "\" is deployed; GET /api/v1/modules lists the versions");
      }
    }
    JobOptions options = j.parentSeq() == null ? new JobOptions(pin)
        : new JobOptions(pin).withParent(j.parentSeq(), j.detached());
    return new SubmitJob(now, workflow, input, url, priority, Math.max(runAt, now), attempts, timeout, key,
        options.withDispatch(dispatch(j.routing())));
  }

  /** The labels and concurrency group a submission asks for, checked field by field. */
  static Dispatch dispatch(NewJob.Routing r) {
    List<String> labels;
    try {
      labels = r.labels() == null ? List.of() : Labels.checked(r.labels());
    } catch (IllegalArgumentException e) {
      throw new InvalidJobException("labels", e.getMessage());
    }
    String key = r.concurrencyKey();
    if (key == null && (r.concurrencyLimit() != null || r.concurrencyPolicy() != null)) {
      throw new InvalidJobException(r.concurrencyLimit() != null ? "concurrency_limit" : "concurrency_policy",
          "concurrency_limit and concurrency_policy need a concurrency_key");
    }
    int limit = r.concurrencyLimit() == null ? 1 : r.concurrencyLimit();
    if (limit < 1 || limit > Dispatch.MAX_LIMIT) {
      throw new InvalidJobException("concurrency_limit", "concurrency_limit must be between 1 and "
          + Dispatch.MAX_LIMIT + ", not " + limit);
    }
    ConcurrencyPolicy policy = r.concurrencyPolicy() == null ? ConcurrencyPolicy.QUEUE
        : ConcurrencyPolicy.parse(r.concurrencyPolicy());
    if (policy == null) {
      throw new InvalidJobException("concurrency_policy", "concurrency_policy must be queue, cancel_in_progress or "
          + "skip, not \"" + clip(r.concurrencyPolicy()) + "\"");
    }
    try {
      return new Dispatch(labels, key, limit, policy);
    } catch (IllegalArgumentException e) {
      throw new InvalidJobException("concurrency_key", e.getMessage());
    }
  }

  private String input(NewJob j, String url) {
    if (j.input() == null) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      if (url != null) {
        o.put("url", url);
      }
      return json.writeValueAsString(o);
    }
    if (j.input().getBytes(StandardCharsets.UTF_8).length > defaults.maxInputBytes()) {
      throw new InvalidJobException("input", "input exceeds " + defaults.maxInputBytes() + " bytes");
    }
    JsonNode node;
    try {
      node = json.readTree(j.input());
    } catch (JacksonException e) {
      throw new InvalidJobException("input", "input is not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new InvalidJobException("input", "input must be a JSON object");
    }
    return json.writeValueAsString(node);
  }

  static String checkUrl(String raw) {
    if (raw.isEmpty()) {
      throw new InvalidJobException("url", "url is required");
    }
    if (raw.length() > JobDefaults.MAX_URL_CHARS) {
      throw new InvalidJobException("url", "url is longer than " + JobDefaults.MAX_URL_CHARS + " characters");
    }
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw new InvalidJobException("url", "url is malformed: " + e.getReason() + " at index " + e.getIndex());
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new InvalidJobException("url", "url must be an http or https URL, not \"" + clip(raw) + "\"");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new InvalidJobException("url", "url has no host: \"" + clip(raw) + "\"");
    }
    return raw;
  }

  private static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
