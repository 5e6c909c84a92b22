package io.mvmci.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Typed, strict access to one TOML table ({@code [raft]}, {@code [node]}, ...). Unknown keys
 * are refused when the table is opened; every getter checks type and range and names the
 * dotted field in its error.
 */
final class TomlTable {
  private final String name;
  private final JsonNode node;
  private final Problems problems;
  private final Set<String> secretKeys;

  private TomlTable(String name, JsonNode node, Problems problems, Set<String> secretKeys) {
    this.name = name;
    this.node = node;
    this.problems = problems;
    this.secretKeys = secretKeys;
  }

  /**
   * Opens table {@code name}; {@code node} is null when the file has no such section.
   *
   * @param known every key the section accepts, in documentation order
   * @param secretKeys keys whose values are never shown
   * @param foreign keys the original (hiqlite) had and mvm-ci does not, with a reason
   */
  static TomlTable open(
      String name,
      JsonNode node,
      Problems problems,
      List<String> known,
      Set<String> secretKeys,
      Map<String, String> foreign) {
    if (node != null && !node.isObject()) {
      throw problems.invalid(name, Problems.render(node), "must be a table, written [" + name + "]");
    }
    TomlTable table = new TomlTable(name, node, problems, secretKeys);
    if (node != null) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String key = e.getKey();
        if (!known.contains(key)) {
          String reason = foreign.containsKey(key) ? foreign.get(key) : unknownReason(key, known);
          throw problems.invalid(table.field(key), renderUnknown(e.getValue()), reason);
        }
      }
    }
    return table;
  }

  String name() {
    return name;
  }

  String field(String key) {
    return name + "." + key;
  }

  boolean has(String key) {
    return raw(key) != null;
  }

  /** The value as it may appear in a message: redacted for secret keys. */
  String rendered(String key) {
    JsonNode v = raw(key);
    return secretKeys.contains(key) ? Problems.renderRedacted(v) : Problems.render(v);
  }

  InvalidConfigException invalid(String key, String reason) {
    return problems.invalid(field(key), rendered(key), reason);
  }

  /**
   * For a rule about the effective value: when the key is absent the message shows {@code
   * effective}, marked as the default, since that is the value that broke the rule.
   */
  InvalidConfigException invalid(String key, long effective, String reason) {
    return has(key) ? invalid(key, reason) : problems.invalid(field(key), effective + " (default)", reason);
  }

  /** An integer in {@code [min, max]}; {@code unit} (e.g. "milliseconds") appears in errors. */
  long longValue(String key, long dflt, long min, long max, String unit) {
    JsonNode v = raw(key);
    if (v == null) {
      return dflt;
    }
    String range = "between " + min + " and " + max + (unit.isEmpty() ? "" : " " + unit);
    if (!v.isIntegralNumber()) {
      throw invalid(key, "must be an integer " + range);
    }
    if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
      throw invalid(key, "must be " + range);
    }
    return v.longValue();
  }

  int intValue(String key, int dflt, int min, int max, String unit) {
    return (int) longValue(key, dflt, min, max, unit);
  }

  /** A boolean ({@code true} or {@code false}, not a string); {@code dflt} when absent. */
  boolean booleanValue(String key, boolean dflt) {
    JsonNode v = raw(key);
    if (v == null) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw invalid(key, "must be true or false");
    }
    return v.booleanValue();
  }

  /** A string; {@code dflt} when absent. Emptiness is the caller's rule. */
  String string(String key, String dflt) {
    return optionalString(key).orElse(dflt);
  }

  Optional<String> optionalString(String key) {
    JsonNode v = raw(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isString()) {
      throw invalid(key, "must be a string");
    }
    return Optional.of(v.stringValue());
  }

  /** A secret of at least {@code minLength} characters, or empty when the key is absent. */
  Optional<Secret> secret(String key, int minLength) {
    Optional<String> s = optionalString(key);
    if (s.isPresent() && s.get().length() < minLength) {
      throw invalid(key, "must be at least " + minLength + " characters (omit the key to leave it unset)");
    }
    return s.map(Secret::new);
  }

  /** An array of strings; {@code dflt} when absent. A wrong element names its index. */
  List<String> strings(String key, List<String> dflt) {
    JsonNode v = raw(key);
    if (v == null) {
      return dflt;
    }
    if (!v.isArray()) {
      throw invalid(key, "must be an array of strings");
    }
    List<String> out = new ArrayList<>(v.size());
    int i = 0;
    for (JsonNode e : v.values()) {
      if (!e.isString()) {
        String shown = secretKeys.contains(key) ? Problems.renderRedacted(e) : Problems.render(e);
        throw problems.invalid(indexed(key, i), shown, "must be a string");
      }
      out.add(e.stringValue());
      i++;
    }
    return List.copyOf(out);
  }

  String indexed(String key, int index) {
    return field(key) + "[" + index + "]";
  }

  Problems problems() {
    return problems;
  }

  private JsonNode raw(String key) {
    if (node == null) {
      return null;
    }
    JsonNode v = node.get(key);
    return v == null || v.isMissingNode() || v.isNull() ? null : v;
  }

  /** Strings might be a misspelt secret, so an unknown key's text is never shown. */
  static String renderUnknown(JsonNode v) {
    return v.isNumber() || v.isBoolean() || v.isObject() ? Problems.render(v) : Problems.renderRedacted(v);
  }

  static String unknownReason(String key, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = Strings.editDistance(key, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    if (best != null && bestDistance <= Math.max(2, key.length() / 4)) {
      return "unknown key; did you mean " + best + "?";
    }
    return "unknown key; known keys: " + String.join(", ", known);
  }
}
