package io.mvmci.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The file's top level: only the known sections, each a table, and {@code [node]} or its
 * original name {@code [hiqlite]}, not both.
 */
final class TopLevel {
  private TopLevel() {}

  /** Checks the top level; returns the name the file gives the node section. */
  static String check(ObjectNode root, Problems problems) {
    List<String> sections = Section.names();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String key = e.getKey();
      if (sections.contains(key) || key.equals(ConfigLoader.ORIGINAL_NODE_SECTION)) {
        continue;
      }
      String shown = Problems.renderUnknown(e.getValue());
      if (!e.getValue().isObject()) {
        String home = Section.NODE.has(key) ? "belongs in the [node] section" : "settings belong in a section";
        throw problems.invalid(
            key, shown, "top-level key; " + home + " (sections: " + String.join(", ", sections) + ")");
      }
      throw problems.invalid(key, shown, unknownSection(key, sections));
    }
    if (root.has("node") && root.has(ConfigLoader.ORIGINAL_NODE_SECTION)) {
      throw problems.invalid(ConfigLoader.ORIGINAL_NODE_SECTION, "<table>",
          "[hiqlite] is the original's name for [node]; keep one of them");
    }
    return root.has(ConfigLoader.ORIGINAL_NODE_SECTION) ? ConfigLoader.ORIGINAL_NODE_SECTION : "node";
  }

  /** The section's table as the file has it; empty when the file has no such section. */
  static ObjectNode table(ObjectNode root, String name, Problems problems) {
    JsonNode n = root.get(name);
    if (n == null) {
      return root.objectNode();
    }
    if (!n.isObject()) {
      throw problems.invalid(name, Problems.render(n), "must be a table, written [" + name + "]");
    }
    return (ObjectNode) n;
  }

  private static String unknownSection(String key, List<String> sections) {
    List<String> candidates = new ArrayList<>(sections);
    candidates.add(ConfigLoader.ORIGINAL_NODE_SECTION);
    return Strings.closest(key, candidates)
        .map(s -> "unknown section; did you mean [" + s + "]?")
        .orElse("unknown section (sections: " + String.join(", ", sections) + ")");
  }
}
