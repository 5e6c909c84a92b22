package io.mvmci.api;

import io.mvmci.queue.NewJob;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Parses a submission from a form or a JSON object into a {@link NewJob}. Types are checked field by
 * field so the error names the field and what it expected; unknown fields are refused (a typo in
 * {@code max_attempts} must not silently become the default).
 */
final class SubmitRequests {
  static final Set<String> FIELDS = new LinkedHashSet<>(List.of(
      "url", "workflow", "input", "priority", "run_at", "delay_ms", "max_attempts", "timeout_ms",
      "module_sha256", "labels", "concurrency_key", "concurrency_limit", "concurrency_policy"));

  /** A schedule's job: a submission's fields but the start time, which is each fire's. */
  static final Set<String> TEMPLATE_FIELDS = new LinkedHashSet<>(List.of(
      "url", "workflow", "input", "priority", "max_attempts", "timeout_ms", "module_sha256"));

  private SubmitRequests() {}

  /**
   * A schedule's {@code job}: an object of {@link #TEMPLATE_FIELDS}, parsed as a submission is; a
   * field at fault is named {@code job.<field>}.
   */
  static NewJob template(JsonNode job, ObjectMapper json, long now) {
    if (job == null || !job.isObject()) {
      throw new BadRequestException("job", "\"job\" must be a JSON object: the job each fire submits, as POST"
          + " /api/v1/jobs takes it");
    }
    for (String timing : List.of("run_at", "delay_ms")) {
      if (job.has(timing)) {
        throw new BadRequestException("job." + timing, "a schedule's job starts at each fire time: \"" + timing
            + "\" does not apply");
      }
    }
    try {
      return fromNode(job, json, null, TEMPLATE_FIELDS, now);
    } catch (BadRequestException e) {
      throw new BadRequestException("job" + (e.field() == null ? "" : "." + e.field()), "job: " + e.getMessage());
    }
  }

  static NewJob fromForm(Map<String, String> form, String idempotencyKey, long now) {
    if (form.containsKey("input")) {
      throw new BadRequestException("input", "input must be sent as JSON (application/json)");
    }
    return new NewJob(
        form.get("workflow"),
        null,
        form.get("url"),
        integer(form, "priority"),
        runAt(form.get("run_at"), longValue(form, "delay_ms"), now),
        integer(form, "max_attempts"),
        longValue(form, "timeout_ms"),
        idempotencyKey,
        form.get("module_sha256")).withRouting(new NewJob.Routing(
            form.containsKey("labels") ? List.of(form.get("labels").split("[,\\s]+")).stream()
                .filter(s -> !s.isEmpty()).toList() : null,
            emptyToNull(form.get("concurrency_key")), integer(form, "concurrency_limit"),
            emptyToNull(form.get("concurrency_policy"))));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /**
   * A run's {@code spawn_job} request: a submission's fields and {@code detached}, without an
   * idempotency key (the run's step is the key), as a child of {@code parentSeq}.
   */
  static NewJob fromSpawn(String body, ObjectMapper json, long parentSeq, String key, long now) {
    JsonNode root = parse(body, json);
    if (!root.isObject()) {
      throw new BadRequestException(null, "a spawn_job request must be a JSON object");
    }
    JsonNode detached = root.get("detached");
    if (detached != null && !detached.isBoolean() && !detached.isNull()) {
      throw new BadRequestException("detached", "\"detached\" must be true or false");
    }
    Set<String> fields = new LinkedHashSet<>(FIELDS);
    fields.add("detached");
    return fromNode(root, json, null, fields, now).asChildOf(parentSeq, key, detached != null && detached.asBoolean());
  }

  static NewJob fromJson(String body, ObjectMapper json, String idempotencyKey, long now) {
    JsonNode root = parse(body, json);
    if (!root.isObject()) {
      throw new BadRequestException(null, "body must be a JSON object");
    }
    return fromNode(root, json, idempotencyKey, FIELDS, now);
  }

  /**
   * A batch: {@code {"jobs": [ {...}, ... ]}}, each item a submission that may also carry its own
   * {@code idempotency_key}. At most {@code max} items.
   */
  static List<NewJob> batchFromJson(String body, ObjectMapper json, int max, long now) {
    JsonNode root = parse(body, json);
    JsonNode jobs = root.path("jobs");
    if (!root.isObject() || !jobs.isArray() || root.size() != 1) {
      throw new BadRequestException("jobs", "body must be {\"jobs\": [ ... ]}");
    }
    if (jobs.isEmpty() || jobs.size() > max) {
      throw new BadRequestException("jobs", "a batch holds 1 to " + max + " jobs, not " + jobs.size());
    }
    Set<String> fields = new LinkedHashSet<>(FIELDS);
    fields.add("idempotency_key");
    List<NewJob> out = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      JsonNode item = jobs.get(i);
      if (!item.isObject()) {
        throw new BadRequestException("jobs[" + i + "]", "jobs[" + i + "] must be a JSON object");
      }
      try {
        out.add(fromNode(item, json, text(item, "idempotency_key"), fields, now));
      } catch (BadRequestException e) {
        throw new BadRequestException("jobs[" + i + "]" + (e.field() == null ? "" : "." + e.field()),
            "jobs[" + i + "]: " + e.getMessage());
      }
    }
    return out;
  }

  private static JsonNode parse(String body, ObjectMapper json) {
    try {
      JsonNode root = json.readTree(body);
      if (root == null || root.isMissingNode()) {
        throw new BadRequestException(null, "body is empty");
      }
      return root;
    } catch (JacksonException e) {
      throw new BadRequestException(null, "body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static NewJob fromNode(JsonNode root, ObjectMapper json, String idempotencyKey,
      Set<String> fields, long now) {
    for (Iterator<String> it = root.propertyNames().iterator(); it.hasNext(); ) {
      String name = it.next();
      if (!fields.contains(name)) {
        throw new BadRequestException(name, "unknown field \"" + name + "\"; known fields: "
            + String.join(", ", fields));
      }
    }
    JsonNode input = root.get("input");
    if (input != null && !input.isNull() && !input.isObject()) {
      throw new BadRequestException("input", "\"input\" must be a JSON object");
    }
    return new NewJob(
        text(root, "workflow"),
        input == null || input.isNull() ? null : json.writeValueAsString(input),
        text(root, "url"),
        jsonInt(root, "priority"),
        runAt(text(root, "run_at"), jsonLong(root, "delay_ms"), now),
        jsonInt(root, "max_attempts"),
        jsonLong(root, "timeout_ms"),
        idempotencyKey,
        text(root, "module_sha256")).withRouting(new NewJob.Routing(labels(root), text(root, "concurrency_key"),
            jsonInt(root, "concurrency_limit"), text(root, "concurrency_policy")));
  }

  /** {@code "labels": ["gpu", "arm64"]}: an array of strings, or absent. */
  private static List<String> labels(JsonNode root) {
    JsonNode n = root.get("labels");
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isArray()) {
      throw new BadRequestException("labels", "\"labels\" must be an array of strings, such as [\"gpu\", \"arm64\"]");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode l : n) {
      if (!l.isString()) {
        throw new BadRequestException("labels", "\"labels\" must be an array of strings, such as [\"gpu\", \"arm64\"]");
      }
      out.add(l.asString());
    }
    return out;
  }

  /** The latest {@code run_at} a request may name; the queue refuses more than 366 days ahead anyway. */
  static final Instant MAX_RUN_AT = Instant.parse("9999-12-31T23:59:59.999Z");
  /** The longest {@code delay_ms}: 366 days, the queue's own bound. */
  static final long MAX_DELAY_MS = 366 * 24 * 3_600_000L;

  private static Instant runAt(String runAt, Long delayMs, long now) {
    if (runAt != null && delayMs != null) {
      throw new BadRequestException("run_at", "give run_at or delay_ms, not both");
    }
    if (delayMs != null) {
      if (delayMs < 0 || delayMs > MAX_DELAY_MS) {
        throw new BadRequestException("delay_ms", "\"delay_ms\" must be an integer from 0 to " + MAX_DELAY_MS
            + " (366 days), not " + delayMs);
      }
      return Instant.ofEpochMilli(now + delayMs);
    }
    if (runAt == null) {
      return null;
    }
    Instant at;
    try {
      at = Instant.parse(runAt);
    } catch (DateTimeParseException e) {
      throw new BadRequestException("run_at",
          "\"run_at\" must be an ISO-8601 instant such as 2030-01-01T00:00:00Z, not \"" + runAt + "\"");
    }
    if (at.isBefore(Instant.EPOCH) || at.isAfter(MAX_RUN_AT)) {
      throw new BadRequestException("run_at", "\"run_at\" must be between 1970-01-01T00:00:00Z and "
          + MAX_RUN_AT + ", not \"" + runAt + "\"");
    }
    return at;
  }

  private static String text(JsonNode root, String name) {
    JsonNode n = root.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isString()) {
      throw new BadRequestException(name, "\"" + name + "\" must be a string");
    }
    return n.asString();
  }

  private static Integer jsonInt(JsonNode root, String name) {
    Long v = jsonLong(root, name);
    if (v == null) {
      return null;
    }
    if (v != v.intValue()) {
      throw new BadRequestException(name, "\"" + name + "\" is out of range");
    }
    return v.intValue();
  }

  private static Long jsonLong(JsonNode root, String name) {
    JsonNode n = root.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new BadRequestException(name, "\"" + name + "\" must be an integer");
    }
    return n.asLong();
  }

  private static Integer integer(Map<String, String> form, String name) {
    Long v = longValue(form, name);
    if (v != null && v != v.intValue()) {
      throw new BadRequestException(name, "\"" + name + "\" is out of range");
    }
    return v == null ? null : v.intValue();
  }

  private static Long longValue(Map<String, String> form, String name) {
    String s = form.get(name);
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new BadRequestException(name, "\"" + name + "\" must be an integer, not \"" + s + "\"");
    }
  }
}
