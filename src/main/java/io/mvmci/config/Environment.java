package io.mvmci.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The configuration that environment variables give, read by one rule.
 *
 * <ul>
 *   <li>{@code MVMCI_<SECTION>__<KEY>} sets {@code <section>.<key>}: two underscores between the
 *       section and the key, both written in upper case ({@code MVMCI_RAFT__RPC_TIMEOUT_MS}).
 *       Any other name of that shape is an error, with a suggestion.
 *   <li>The names in {@link #ALIASES} (the node's and the original image's) set what they name;
 *       {@code HTTP_PORT} and {@code RAFT_PORT} set this member's ports (see {@link NodeSection}).
 *   <li>{@code <NAME>_FILE}, for every name above, reads the value from that file (Docker
 *       secrets); trailing newlines are dropped. Setting both {@code NAME} and {@code NAME_FILE}
 *       is an error naming both.
 *   <li>A value is read as the key's type: an integer in decimal, a boolean as {@code true} or
 *       {@code false}, a list as its elements separated by commas or newlines (blank elements
 *       ignored), anything else as the text itself. A value that does not read so is bound as text
 *       and refused by the binder with the key's own message.
 *   <li>Names that set the same thing must give the same value, or loading fails naming both
 *       variables and both values; the one reported in later messages is the first set in this
 *       order: the {@code MVMCI_<SECTION>__<KEY>} name, then the aliases in table order.
 *   <li>A variable that is set but blank counts as unset.
 * </ul>
 */
final class Environment {
  static final String PREFIX = "MVMCI_";
  static final String SEPARATOR = "__";
  static final String FILE_SUFFIX = "_FILE";

  /** What a variable sets: {@code section.key}, or, when {@code port} is set, this member's port. */
  record Target(String section, String key, String port) {
    static Target key(String section, String key) {
      return new Target(section, key, null);
    }

    String describe() {
      return port == null ? section + "." + key : "this member's " + port + " port in node.nodes";
    }
  }

  /** {@code HTTP_PORT} or {@code RAFT_PORT}: a port of this member's entry in {@code node.nodes}. */
  record Port(String kind, int port, String variable) {
    boolean http() {
      return kind.equals("http");
    }
  }

  /** The other names of settings, each in one place: the only alias table. */
  static final Map<String, Target> ALIASES = aliases();

  /** Names an earlier container entry point read that nothing reads now, with what to do. */
  static final Map<String, String> RETIRED = Map.of(
      "MVMCI_EXTRA_TOML", "is no longer read; set each key as MVMCI_<SECTION>__<KEY> (config/README.md)",
      "MVMCI_CONFIG_MOUNT", "is no longer read; set MVMCI_CONFIG to the file's path");

  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
  private static final Pattern LIST_SEPARATOR = Pattern.compile("[,\n]");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What the environment sets: each section's values, and which variable set each field. */
  record Layer(Map<String, ObjectNode> sections, Map<String, String> origins, Optional<Port> http,
      Optional<Port> raft) {
    ObjectNode section(String name) {
      return sections.getOrDefault(name, NODES.objectNode());
    }
  }

  private record Setting(String variable, int precedence, JsonNode value) {}

  private Environment() {}

  private static Map<String, Target> aliases() {
    Map<String, Target> a = new LinkedHashMap<>();
    a.put("MVMCI_NODE_ID", Target.key("node", "node_id"));
    a.put("NODE_ID", Target.key("node", "node_id"));
    a.put("MVMCI_DATA_DIR", Target.key("node", "data_dir"));
    a.put("DATA_DIR", Target.key("node", "data_dir"));
    a.put("NODES", Target.key("node", "nodes"));
    a.put("SECRET_RAFT", Target.key("node", "secret_raft"));
    a.put("SECRET_API", Target.key("node", "secret_api"));
    a.put("ENC_KEYS", Target.key("node", "enc_keys"));
    a.put("ENC_KEY_ACTIVE", Target.key("node", "enc_key_active"));
    a.put("LISTEN_ADDR_RAFT", Target.key("node", "listen_addr_raft"));
    a.put("LISTEN_ADDR_API", Target.key("node", "listen_addr_api"));
    a.put("API_TOKEN", Target.key("api", "token"));
    a.put("HTTP_PORT", new Target("node", "nodes", "http"));
    a.put("RAFT_PORT", new Target("node", "nodes", "raft"));
    return a;
  }

  /** {@code MVMCI_RAFT__RPC_TIMEOUT_MS} for {@code raft.rpc_timeout_ms}. */
  static String variable(String section, String key) {
    return PREFIX + section.toUpperCase(Locale.ROOT) + SEPARATOR + key.toUpperCase(Locale.ROOT);
  }

  /** Whether any variable would set something (so the configuration comes from the environment). */
  static boolean anySet(Map<String, String> env) {
    return env.entrySet().stream()
        .anyMatch(e -> !isBlank(e.getValue())
            && (ours(e.getKey()) || ours(fileBase(e.getKey())) || RETIRED.containsKey(e.getKey())));
  }

  static Layer read(Map<String, String> env, Problems p) {
    Map<Target, List<Setting>> byTarget = new LinkedHashMap<>();
    for (String name : new TreeSet<>(env.keySet())) {
      String value = env.get(name);
      if (isBlank(value)) {
        continue;
      }
      if (RETIRED.containsKey(name)) {
        throw p.invalid(name, shownText(value), RETIRED.get(name));
      }
      String base = fileBase(name);
      boolean fromFile = ours(base);
      String variable = fromFile ? base : name;
      if (!ours(variable)) {
        continue;
      }
      Target target = target(variable, name, value, p);
      String raw = value;
      if (fromFile) {
        if (!isBlank(env.get(base))) {
          throw p.invalid(name, Problems.quote(value),
              base + " is set too (both set " + target.describe() + "); keep one of them");
        }
        raw = file(name, value, target, p);
      }
      int precedence = ALIASES.containsKey(variable) ? indexOf(variable) + 1 : 0;
      byTarget.computeIfAbsent(target, t -> new ArrayList<>())
          .add(new Setting(name, precedence, convert(target, raw, name, p)));
    }
    return layer(byTarget, p);
  }

  private static Layer layer(Map<Target, List<Setting>> byTarget, Problems p) {
    Map<String, ObjectNode> sections = new LinkedHashMap<>();
    Map<String, String> origins = new LinkedHashMap<>();
    Optional<Port> http = Optional.empty();
    Optional<Port> raft = Optional.empty();
    for (Map.Entry<Target, List<Setting>> e : byTarget.entrySet()) {
      Target t = e.getKey();
      List<Setting> settings = new ArrayList<>(e.getValue());
      settings.sort(Comparator.comparingInt(Setting::precedence));
      Setting first = settings.get(0);
      for (Setting other : settings.subList(1, settings.size())) {
        if (!other.value().equals(first.value())) {
          throw p.invalid(t.describe(), shown(t, other.value()) + " (from " + other.variable() + ")",
              "disagrees with " + first.variable() + " = " + shown(t, first.value())
                  + "; unset one of them, or give both the same value");
        }
      }
      if (t.port() != null) {
        Port port = new Port(t.port(), first.value().intValue(), first.variable());
        if (port.http()) {
          http = Optional.of(port);
        } else {
          raft = Optional.of(port);
        }
      } else {
        sections.computeIfAbsent(t.section(), s -> NODES.objectNode()).set(t.key(), first.value());
        origins.put(t.section() + "." + t.key(), first.variable());
      }
    }
    return new Layer(sections, origins, http, raft);
  }

  private static Target target(String variable, String name, String value, Problems p) {
    Target alias = ALIASES.get(variable);
    if (alias != null) {
      return alias;
    }
    String rest = variable.substring(PREFIX.length());
    int split = rest.indexOf(SEPARATOR);
    String sectionName = rest.substring(0, split).toLowerCase(Locale.ROOT);
    String key = rest.substring(split + SEPARATOR.length()).toLowerCase(Locale.ROOT);
    Optional<Section<?>> section = Section.named(sectionName);
    if (section.isEmpty()) {
      String hint = Strings.closest(sectionName, Section.names())
          .map(s -> "; did you mean " + variable(s, key) + "?")
          .orElse(" (sections: " + String.join(", ", Section.names()).toUpperCase(Locale.ROOT) + ")");
      throw p.invalid(name, shownText(value), "unknown section " + sectionName + hint);
    }
    if (!section.get().has(key)) {
      List<String> known = section.get().keys();
      String hint = Strings.closest(key, known)
          .map(k -> "; did you mean " + variable(sectionName, k) + "?")
          .orElse(" (keys: " + String.join(", ", known) + ")");
      throw p.invalid(name, shownText(value), "unknown key " + sectionName + "." + key + hint);
    }
    return Target.key(sectionName, key);
  }

  private static String file(String name, String path, Target target, Problems p) {
    try {
      String text = TextFile.read(path);
      int end = text.length();
      while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
        end--;
      }
      return text.substring(0, end);
    } catch (TextFile.Unreadable e) {
      throw p.invalid(name, Problems.quote(path), e.getMessage() + " (it should hold " + target.describe() + ")");
    }
  }

  private static JsonNode convert(Target t, String raw, String name, Problems p) {
    if (t.port() != null) {
      String s = raw.strip();
      try {
        return NODES.numberNode(Addresses.port(s));
      } catch (IllegalArgumentException e) {
        throw p.invalid(name, Problems.quote(raw),
            "must be an integer between 1 and 65535 (" + t.describe() + ")");
      }
    }
    return switch (Section.named(t.section()).orElseThrow().kind(t.key())) {
      case INTEGER -> INTEGER.matcher(raw.strip()).matches()
          ? NODES.numberNode(new BigInteger(raw.strip()))
          : NODES.stringNode(raw);
      case BOOLEAN -> raw.strip().equalsIgnoreCase("true") || raw.strip().equalsIgnoreCase("false")
          ? NODES.booleanNode(Boolean.parseBoolean(raw.strip()))
          : NODES.stringNode(raw);
      case LIST -> {
        ArrayNode list = NODES.arrayNode();
        for (String element : LIST_SEPARATOR.split(raw)) {
          if (!element.isBlank()) {
            list.add(element.strip());
          }
        }
        yield list;
      }
      case STRING -> NODES.stringNode(raw);
    };
  }

  private static String shown(Target t, JsonNode v) {
    boolean secret = t.port() == null && Section.named(t.section()).orElseThrow().secret(t.key());
    return secret ? Problems.renderRedacted(v) : Problems.render(v);
  }

  /** A value whose key is unknown: it may be a misspelt secret, so only a number is shown. */
  private static String shownText(String value) {
    return INTEGER.matcher(value.strip()).matches() ? value.strip() : Secret.redacted(value.length());
  }

  private static boolean ours(String name) {
    return name != null
        && (ALIASES.containsKey(name)
            || (name.startsWith(PREFIX) && name.indexOf(SEPARATOR, PREFIX.length() + 1) > PREFIX.length()
                && !name.endsWith(SEPARATOR)));
  }

  private static String fileBase(String name) {
    return name.endsWith(FILE_SUFFIX) ? name.substring(0, name.length() - FILE_SUFFIX.length()) : null;
  }

  private static int indexOf(String alias) {
    return new ArrayList<>(ALIASES.keySet()).indexOf(alias);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
