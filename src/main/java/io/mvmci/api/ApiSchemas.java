package io.mvmci.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * Request bodies as {@code /openapi.json} describes them. The parsing is {@link SubmitRequests}'s (it
 * checks each field's type and refuses unknown ones); {@code OpenApiTest} holds these fields equal to
 * the ones it accepts.
 */
final class ApiSchemas {
  private ApiSchemas() {}

  @Schema(name = "SubmitRequest", description = "A job to submit. Every field is optional; an empty object submits"
      + " a crawler job without a url, which is refused: give url, or a workflow that needs none.")
  record SubmitRequest(
      @Schema(description = "The page the crawler fetches (http or https); also in its input", example = "https://example.com")
      String url,
      @Schema(description = "A deployed workflow module's name (default: crawler)", example = "noop") String workflow,
      @Schema(description = "The workflow's input, a JSON object") Map<String, Object> input,
      @Schema(description = "Higher runs first (default 0)") Integer priority,
      @Schema(description = "Not before this instant (ISO-8601); or delay_ms", format = "date-time") String runAt,
      @Schema(description = "Not before this many ms from now; or run_at", minimum = "0") Long delayMs,
      @Schema(description = "Failures allowed before the job is Failed for good (default [jobs] max_attempts)")
      Integer maxAttempts,
      @Schema(description = "How long one attempt may run (default [jobs] timeout_ms)") Long timeoutMs,
      @Schema(description = "Pin the job to this stored version of its workflow") String moduleSha256,
      @Schema(description = "Worker labels the job requires; only a worker that has all of them claims it",
          example = "[\"gpu\", \"arm64\"]") List<String> labels,
      @Schema(description = "The job's concurrency group: at most concurrency_limit of its jobs run at once",
          example = "deploy-prod") String concurrencyKey,
      @Schema(description = "Jobs of the group that may run at once (default 1; needs concurrency_key)",
          minimum = "1", maximum = "10000") Integer concurrencyLimit,
      @Schema(description = "When the group is full: queue (wait, the default), cancel_in_progress (the newest "
          + "wins: older running jobs of the group are cancelled), skip (this job is cancelled, not run)",
          allowableValues = {"queue", "cancel_in_progress", "skip"}) String concurrencyPolicy) {}

  @Schema(name = "BatchSubmitRequest")
  record BatchRequest(@Schema(description = "1 to 1,000 submissions, each with an optional idempotency_key",
      requiredMode = Schema.RequiredMode.REQUIRED) List<BatchItem> jobs) {}

  @Schema(name = "BatchSubmitItem")
  record BatchItem(String url, String workflow, Map<String, Object> input, Integer priority, String runAt, Long delayMs,
      Integer maxAttempts, Long timeoutMs, String moduleSha256, List<String> labels, String concurrencyKey,
      Integer concurrencyLimit, @Schema(allowableValues = {"queue", "cancel_in_progress", "skip"}) String concurrencyPolicy,
      @Schema(description = "Submitting the same key again answers the job it made") String idempotencyKey) {}

  @Schema(name = "NewJobForm", description = "SPEC §1: form fields (curl -d url=...); a JSON SubmitRequest is accepted too")
  record NewJobForm(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "https://example.com") String url,
      String workflow, Integer priority, String runAt, Long delayMs, Integer maxAttempts, Long timeoutMs,
      String moduleSha256, @Schema(description = "Worker labels the job requires, comma-separated", example = "gpu,arm64")
      String labels, String concurrencyKey, Integer concurrencyLimit,
      @Schema(allowableValues = {"queue", "cancel_in_progress", "skip"}) String concurrencyPolicy) {}

  @Schema(name = "ScheduleRequest", description = "A cron schedule: when (cron in time_zone), what (job), and its"
      + " policies. POST takes id in the body; PUT takes it from the URL (a body id must match).")
  record ScheduleRequest(
      @Schema(description = "1-64 of a-z 0-9 _ . -, starting with a letter or digit", example = "nightly") String id,
      @Schema(description = "Six fields, seconds first (Spring's form: 0 0 2 * * *), five fields (minute first:"
          + " second 0), or a macro (@hourly, @daily, @weekly, @monthly, @yearly)", example = "0 0 2 * * *")
      String cron,
      @Schema(description = "An IANA time zone the cron is read in (default UTC)", example = "Europe/Paris")
      String timeZone,
      @Schema(description = "The job each fire submits: a SubmitRequest without run_at and delay_ms",
          requiredMode = Schema.RequiredMode.REQUIRED) TemplateRequest job,
      @Schema(description = "While the last job has not finished: skip the fire (default), queue the job after it,"
          + " or allow both to run", allowableValues = {"skip", "queue", "allow"}) String overlap,
      @Schema(description = "Fire times that passed while no leader could fire them (later than [jobs] schedule_grace_ms,"
          + " 60 s by default): none"
          + " (default) passes over them; last fires the latest once", allowableValues = {"none", "last"})
      String catchUp,
      @Schema(description = "Create it paused (default false)") Boolean paused) {}

  @Schema(name = "ScheduleJob", description = "A schedule's job, as POST /api/v1/jobs takes it (no run_at, delay_ms)")
  record TemplateRequest(
      @Schema(description = "The page the crawler fetches (http or https)", example = "https://example.com") String url,
      @Schema(description = "A deployed workflow module's name (default: crawler)", example = "noop") String workflow,
      @Schema(description = "The workflow's input, a JSON object") Map<String, Object> input,
      Integer priority, Integer maxAttempts, Long timeoutMs, String moduleSha256) {}

  @Schema(name = "ReplayRequest")
  record ReplayRequest(@Schema(description = "Replay against this version instead of the last attempt's")
      String moduleSha256) {}
}
