package io.mvmci.config;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One section of one load, as messages need it: the values in effect (defaults, then the file,
 * then the environment), which keys the operator set, and how a value may be shown. The section's
 * name is the one written in the file ({@code hiqlite} for the original's name of {@code node}).
 */
final class Fields {
  private final Section<?> section;
  private final String name;
  private final ObjectNode effective;
  private final ObjectNode set;
  private final Problems problems;

  /**
   * @param effective every key's value in effect, defaults included: what the record is bound from
   * @param set the keys the file or the environment set
   */
  Fields(Section<?> section, String name, ObjectNode effective, ObjectNode set, Problems problems) {
    this.section = section;
    this.name = name;
    this.effective = effective;
    this.set = set;
    this.problems = problems;
  }

  ObjectNode effective() {
    return effective;
  }

  Problems problems() {
    return problems;
  }

  String field(String key) {
    return name + "." + key;
  }

  String indexed(String key, int index) {
    return field(key) + "[" + index + "]";
  }

  /** Whether the file or the environment set the key (otherwise it has its default, or nothing). */
  boolean has(String key) {
    return set.has(key);
  }

  /** The variable that set the key, or null. */
  String origin(String key) {
    return problems.origin(field(key));
  }

  /** The value as a message shows it: redacted when secret; marked when it is the default. */
  String shown(String key) {
    JsonNode v = effective.get(key);
    String shown = render(key, v);
    return v == null || has(key) ? shown : shown + " (default)";
  }

  String render(String key, JsonNode v) {
    return section.secret(key) ? Problems.renderRedacted(v) : Problems.render(v);
  }

  /** The key's value in effect breaks a rule. */
  InvalidConfigException invalid(String key, String reason) {
    return problems.invalid(field(key), shown(key), reason);
  }

  /** Element {@code index} of the key's list, shown as {@code shown}, breaks a rule. */
  InvalidConfigException invalidAt(String key, int index, String shown, String reason) {
    return problems.invalid(indexed(key, index), shown, reason);
  }

  /** The file has a key the section does not. */
  InvalidConfigException unknown(String key) {
    String reason =
        section == Section.NODE && NodeSection.ORIGINAL_ONLY.containsKey(key)
            ? NodeSection.ORIGINAL_ONLY.get(key)
            : Strings.unknownKey(key, section.keys());
    return problems.invalid(field(key), Problems.renderUnknown(set.path(key)), reason);
  }
}
