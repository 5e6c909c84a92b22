package io.mvmci.worker;

import io.mvmci.workflow.FailureKind;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/** Turns a run's outcome into what the queue records. */
final class Outcomes {
  /** Longest error text the queue keeps. */
  static final int MAX_ERROR_CHARS = 8 * 1024;

  private Outcomes() {}

  /**
   * Whether a failure of this kind may succeed on another attempt. A trap, a blown stack, a
   * non-deterministic replay or a bad module fail the same way again; a timeout, a workflow's own
   * {@code fail}, a module not yet deployed here, or a host error may not.
   */
  static boolean retryable(FailureKind kind) {
    return switch (kind) {
      case GUEST_FAILED, TIMEOUT, UNKNOWN_MODULE, HOST_ERROR, CLAIM_LOST -> true;
      case GUEST_FAILED_TERMINAL, HISTORY_LIMIT, TRAP, STACK_EXHAUSTED, NON_DETERMINISTIC, INVALID_MODULE,
          RESOURCE_LIMIT, CANCELLED, SHUTDOWN -> false;
    };
  }

  /**
   * The run's output as the JSON the queue stores: JSON output as is (compacted), nothing as
   * {@code null}, anything else as a JSON string of its text.
   */
  static String outputJson(byte[] output, ObjectMapper json) {
    if (output.length == 0) {
      return "null";
    }
    String text = new String(output, StandardCharsets.UTF_8);
    try {
      JsonNode node = json.readTree(text);
      if (node != null && !node.isMissingNode()) {
        return json.writeValueAsString(node);
      }
    } catch (JacksonException notJson) {
      // stored as a string below
    }
    return json.writeValueAsString(JsonNodeFactory.instance.stringNode(text));
  }

  static String error(FailureKind kind, String reason) {
    String text = kind.name().toLowerCase(java.util.Locale.ROOT) + ": " + reason;
    return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "...";
  }
}
