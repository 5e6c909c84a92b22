package io.mvmci.config;

import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Builds {@link InvalidConfigException}s for one load: knows the source and which fields an
 * environment variable set, and renders values so that secrets never reach a message. A list
 * element ({@code node.nodes[1]}) came from the variable that set the list unless one set it alone.
 */
final class Problems {
  private static final int MAX_VALUE_CHARS = 160;

  private final String source;
  private final Map<String, String> overriddenBy = new HashMap<>();

  Problems(String source) {
    this.source = source;
  }

  String source() {
    return source;
  }

  /** Records that {@code field} got its value from environment variable {@code variable}. */
  void overridden(String field, String variable) {
    overriddenBy.put(field, variable);
  }

  /** The environment variable that set {@code field} (or the list it is an element of), if any. */
  String origin(String field) {
    String variable = overriddenBy.get(field);
    int bracket = field.lastIndexOf('[');
    return variable == null && bracket > 0 && field.endsWith("]")
        ? overriddenBy.get(field.substring(0, bracket))
        : variable;
  }

  /** An error whose value is already rendered (and redacted where needed). */
  InvalidConfigException invalid(String field, String renderedValue, String reason) {
    String variable = origin(field);
    String value = variable == null ? renderedValue : renderedValue + " (from " + variable + ")";
    return new InvalidConfigException(source, field, value, reason);
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return truncate(b.append('"').toString());
  }

  /** A TOML value as the operator wrote it (strings quoted, tables summarised). */
  static String render(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return "<missing>";
    }
    if (n.isString()) {
      return quote(n.stringValue());
    }
    if (n.isObject()) {
      return "<table>";
    }
    if (n.isArray()) {
      StringBuilder b = new StringBuilder("[");
      for (JsonNode e : n.values()) {
        b.append(b.length() > 1 ? ", " : "").append(render(e));
      }
      return truncate(b.append(']').toString());
    }
    return truncate(n.toString());
  }

  /** A value of a secret field, or of a key we do not know (which may be a misspelt secret). */
  static String renderRedacted(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return "<missing>";
    }
    if (n.isObject()) {
      return "<table>";
    }
    if (n.isArray()) {
      return "<redacted, array of " + n.size() + ">";
    }
    if (n.isString()) {
      return Secret.redacted(n.stringValue().length());
    }
    return Secret.redacted(n.toString().length());
  }

  /** Strings might be a misspelt secret, so an unknown key's text is never shown. */
  static String renderUnknown(JsonNode v) {
    return v.isNumber() || v.isBoolean() || v.isObject() ? render(v) : renderRedacted(v);
  }

  private static String truncate(String s) {
    return s.length() <= MAX_VALUE_CHARS ? s : s.substring(0, MAX_VALUE_CHARS) + "...";
  }
}
