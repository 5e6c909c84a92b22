package io.mvmci.api;

import io.mvmci.schedule.NewSchedule;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Parses a schedule from its JSON body into a {@link NewSchedule}: types checked field by field,
 * unknown fields refused, the job as {@link SubmitRequests#template} parses it. {@code ScheduleService}
 * validates what the values mean.
 */
final class ScheduleRequests {
  static final Set<String> FIELDS = new LinkedHashSet<>(List.of(
      "id", "cron", "time_zone", "job", "overlap", "catch_up", "paused"));

  private ScheduleRequests() {}

  /**
   * @param pathId the id in the URL (a PUT), or null (a POST, whose body names it); a body that names
   *     another id than the URL is refused
   */
  static NewSchedule fromJson(String body, ObjectMapper json, String pathId, long now) {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JacksonException e) {
      throw new BadRequestException(null, "body is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode() || !root.isObject()) {
      throw new BadRequestException(null, "body must be a JSON object: {\"id\", \"cron\", \"time_zone\", \"job\", ...}");
    }
    for (Iterator<String> it = root.propertyNames().iterator(); it.hasNext(); ) {
      String name = it.next();
      if (!FIELDS.contains(name)) {
        throw new BadRequestException(name, "unknown field \"" + name + "\"; known fields: " + String.join(", ", FIELDS));
      }
    }
    String id = text(root, "id");
    if (pathId != null) {
      if (id != null && !id.equals(pathId)) {
        throw new BadRequestException("id", "the body's id \"" + id + "\" is not the URL's \"" + pathId + "\"");
      }
      id = pathId;
    }
    JsonNode paused = root.get("paused");
    if (paused != null && !paused.isNull() && !paused.isBoolean()) {
      throw new BadRequestException("paused", "\"paused\" must be true or false");
    }
    JsonNode job = root.get("job");
    if (job == null || job.isNull()) {
      throw new BadRequestException("job", "job is required: the job each fire submits, as POST /api/v1/jobs takes it");
    }
    return new NewSchedule(id, text(root, "cron"), text(root, "time_zone"), SubmitRequests.template(job, json, now),
        text(root, "overlap"), text(root, "catch_up"), paused != null && paused.asBoolean());
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
}
