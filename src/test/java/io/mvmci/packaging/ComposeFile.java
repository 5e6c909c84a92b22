package io.mvmci.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml read as compose reads it, as far as these tests need: YAML with anchors and
 * merge keys, then {@code ${VAR}}, {@code ${VAR:-default}} and {@code ${VAR:?message}}
 * interpolated from a given environment (an empty one: the file's own defaults).
 */
final class ComposeFile {
  static final Path FILE = Path.of("docker-compose.yml");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

  final Map<String, Object> root;
  /** Every variable the file interpolates. */
  final Set<String> variables = new TreeSet<>();

  @SuppressWarnings("unchecked")
  ComposeFile(Map<String, String> env) {
    try {
      Object raw = new Yaml().load(Files.readString(FILE));
      this.root = (Map<String, Object>) interpolate(raw, env);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Map<String, Object> service(String name) {
    return map(map(root, "services"), name);
  }

  Set<String> serviceNames() {
    return map(root, "services").keySet();
  }

  /** A service's environment, in either of compose's two forms (map or KEY=VALUE list). */
  Map<String, String> environment(String service) {
    Object env = service(service).get("environment");
    Map<String, String> out = new LinkedHashMap<>();
    if (env instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    } else if (env instanceof List<?> l) {
      for (Object o : l) {
        String s = String.valueOf(o);
        int eq = s.indexOf('=');
        out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof Map)) {
      throw new AssertionError(key + " is not a mapping: " + v);
    }
    return (Map<String, Object>) v;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof List ? (List<Object>) v : List.of();
  }

  private Object interpolate(Object node, Map<String, String> env) {
    if (node instanceof String s) {
      return interpolate(s, env);
    }
    if (node instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), interpolate(v, env)));
      return out;
    }
    if (node instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(interpolate(v, env)));
      return out;
    }
    return node;
  }

  private String interpolate(String s, Map<String, String> env) {
    Matcher m = VARIABLE.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      variables.add(name);
      String value = env.get(name);
      String op = m.group(2);
      boolean unset = op != null && op.startsWith(":") ? value == null || value.isEmpty() : value == null;
      if (unset && op != null && op.endsWith("-")) {
        value = m.group(3);
      } else if (unset && op != null && op.endsWith("?")) {
        throw new AssertionError(name + " is required: " + m.group(3));
      } else if (unset) {
        value = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
