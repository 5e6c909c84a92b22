package io.mvmci.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Loads the node configuration before anything else starts.
 *
 * <p>Precedence, highest first: the {@code --config} flag over {@code MVMCI_CONFIG} for the
 * file's path; then environment overrides ({@code MVMCI_NODE_ID}, {@code MVMCI_DATA_DIR} or its
 * alias {@code DATA_DIR}, {@code HTTP_PORT}) over the file; then the file over built-in
 * defaults. An environment variable that is set but blank counts as unset.
 *
 * <p>Every failure is an {@link InvalidConfigException} with a one-line message; the caller
 * prints it and exits. Nothing here binds a port, creates a directory or resolves a name.
 */
public final class ConfigLoader {
  public static final String CONFIG_FLAG = "--config";
  public static final String ENV_CONFIG = "MVMCI_CONFIG";
  public static final String ENV_NODE_ID = "MVMCI_NODE_ID";
  public static final String ENV_DATA_DIR = "MVMCI_DATA_DIR";
  public static final String ENV_DATA_DIR_ALIAS = "DATA_DIR";
  public static final String ENV_HTTP_PORT = "HTTP_PORT";
  public static final String DEFAULTS_SOURCE = "built-in defaults";

  /** What a module deploy adds around the module's bytes in its log entry, at most. */
  public static final int COMMAND_ENVELOPE_HEADROOM = 64 * 1024;

  static final List<String> SECTIONS = List.of("node", "raft", "api", "workers", "jobs");
  static final String ORIGINAL_NODE_SECTION = "hiqlite";

  private static final TomlMapper TOML = TomlMapper.builder().build();

  private ConfigLoader() {}

  /** Loads from the file named by {@code args} or {@code env}, or from defaults if neither. */
  public static NodeConfig load(String[] args, Map<String, String> env) {
    String flag = configFlag(args);
    String envPath = nonBlank(env.get(ENV_CONFIG));
    if (flag != null) {
      return parse(read(flag, CONFIG_FLAG), flag, env);
    }
    if (envPath != null) {
      return parse(read(envPath, ENV_CONFIG), envPath, env);
    }
    return parse("", DEFAULTS_SOURCE, env);
  }

  /** Parses TOML text; {@code source} names it in messages. Environment overrides apply. */
  public static NodeConfig parse(String toml, String source, Map<String, String> env) {
    return parse(toml, source, env, Runtime.getRuntime().availableProcessors());
  }

  static NodeConfig parse(String toml, String source, Map<String, String> env, int processors) {
    Problems problems = new Problems(source);
    ObjectNode root = tree(toml, source);
    String nodeName = checkTopLevel(root, problems);
    ObjectNode nodeTable = nodeTable(root, nodeName, problems);
    OptionalInt httpPort = applyEnv(nodeTable, nodeName, env, problems);

    NodeSection node =
        NodeSection.from(
            TomlTable.open(
                nodeName,
                nodeTable,
                problems,
                NodeSection.KEYS,
                NodeSection.SECRET_KEYS,
                NodeSection.ORIGINAL_ONLY),
            httpPort);
    RaftSection raft = RaftSection.from(open(root, "raft", RaftSection.KEYS, Set.of(), problems));
    ApiSection api = ApiSection.from(open(root, "api", ApiSection.KEYS, ApiSection.SECRET_KEYS, problems));
    WorkersSection workers =
        WorkersSection.from(open(root, "workers", WorkersSection.KEYS, Set.of(), problems), processors);
    JobsSection jobs = JobsSection.from(open(root, "jobs", JobsSection.KEYS, Set.of(), problems));
    crossCheck(root, raft, api, jobs, problems);
    return new NodeConfig(source, node, raft, api, workers, jobs);
  }

  private static void crossCheck(
      ObjectNode root, RaftSection raft, ApiSection api, JobsSection jobs, Problems p) {
    if (jobs.leaseMs() <= raft.electionTimeoutMaxMs()) {
      throw p.invalid(
          "jobs.lease_ms",
          shown(root, "jobs", "lease_ms", jobs.leaseMs()),
          "must be greater than raft.election_timeout_max_ms (" + raft.electionTimeoutMaxMs()
              + "), or one leader election would expire every lease");
    }
    if (api.maxBodyBytes() > raft.groupCommitMaxBytes()) {
      throw p.invalid(
          "api.max_body_bytes",
          shown(root, "api", "max_body_bytes", api.maxBodyBytes()),
          "must not exceed raft.group_commit_max_bytes (" + raft.groupCommitMaxBytes()
              + "): one request must fit in one batch");
    }
    if ((long) api.maxModuleBytes() + COMMAND_ENVELOPE_HEADROOM > raft.logEntryMaxBytes()) {
      throw p.invalid(
          "raft.log_entry_max_bytes",
          shown(root, "raft", "log_entry_max_bytes", raft.logEntryMaxBytes()),
          "must be at least api.max_module_bytes (" + api.maxModuleBytes() + ") + "
              + COMMAND_ENVELOPE_HEADROOM + ": a module deploy is one log entry");
    }
  }

  private static String shown(ObjectNode root, String section, String key, long value) {
    JsonNode table = root.get(section);
    return table != null && table.has(key) ? String.valueOf(value) : value + " (default)";
  }

  private static String configFlag(String[] args) {
    String found = null;
    for (int i = 0; i < args.length; i++) {
      String value;
      if (args[i].equals(CONFIG_FLAG)) {
        value = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "";
      } else if (args[i].startsWith(CONFIG_FLAG + "=")) {
        value = args[i].substring(CONFIG_FLAG.length() + 1);
      } else {
        continue;
      }
      if (value.isBlank()) {
        throw new InvalidConfigException(DEFAULTS_SOURCE, CONFIG_FLAG, "<missing>", "expects a file path");
      }
      if (found != null) {
        throw new InvalidConfigException(
            value, CONFIG_FLAG, Problems.quote(value), "given twice (first " + Problems.quote(found) + ")");
      }
      found = value;
    }
    return found;
  }

  private static String read(String path, String from) {
    String reason;
    try {
      Path p = Path.of(path);
      if (Files.isDirectory(p)) {
        reason = "is a directory, not a file";
      } else {
        return Files.readString(p);
      }
    } catch (InvalidPathException e) {
      reason = "is not a valid path: " + e.getReason();
    } catch (NoSuchFileException e) {
      reason = "no such file";
    } catch (AccessDeniedException e) {
      reason = "permission denied";
    } catch (MalformedInputException e) {
      reason = "is not UTF-8 text";
    } catch (IOException e) {
      reason = "cannot be read: " + e;
    }
    throw new InvalidConfigException(path, from, Problems.quote(path), reason);
  }

  private static ObjectNode tree(String toml, String source) {
    try {
      JsonNode n = TOML.readTree(toml);
      HugeIntegers.reject(toml, source);
      return n instanceof ObjectNode o ? o : TOML.createObjectNode();
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where =
          at == null ? "unknown position" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
      // The parser's own message only: the source excerpt could contain a secret.
      throw InvalidConfigException.syntax(source, where, e.getOriginalMessage());
    }
  }

  private static String checkTopLevel(ObjectNode root, Problems problems) {
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String key = e.getKey();
      if (SECTIONS.contains(key) || key.equals(ORIGINAL_NODE_SECTION)) {
        continue;
      }
      String shown = TomlTable.renderUnknown(e.getValue());
      if (!e.getValue().isObject()) {
        String home =
            NodeSection.KEYS.contains(key)
                ? "belongs in the [node] section"
                : "settings belong in a section";
        throw problems.invalid(
            key, shown, "top-level key; " + home + " (sections: " + String.join(", ", SECTIONS) + ")");
      }
      throw problems.invalid(key, shown, unknownSection(key));
    }
    if (root.has("node") && root.has(ORIGINAL_NODE_SECTION)) {
      throw problems.invalid(
          ORIGINAL_NODE_SECTION, "<table>", "[hiqlite] is the original's name for [node]; keep one of them");
    }
    return root.has(ORIGINAL_NODE_SECTION) ? ORIGINAL_NODE_SECTION : "node";
  }

  private static String unknownSection(String key) {
    List<String> candidates = new ArrayList<>(SECTIONS);
    candidates.add(ORIGINAL_NODE_SECTION);
    String reason = TomlTable.unknownReason(key, candidates);
    return reason.startsWith("unknown key; did you mean ")
        ? "unknown section; did you mean [" + reason.substring(26, reason.length() - 1) + "]?"
        : "unknown section (sections: " + String.join(", ", SECTIONS) + ")";
  }

  private static ObjectNode nodeTable(ObjectNode root, String name, Problems problems) {
    JsonNode n = root.get(name);
    if (n == null) {
      return TOML.createObjectNode();
    }
    if (!n.isObject()) {
      throw problems.invalid(name, Problems.render(n), "must be a table, written [" + name + "]");
    }
    return (ObjectNode) n;
  }

  private static TomlTable open(
      ObjectNode root, String name, List<String> keys, Set<String> secrets, Problems p) {
    return TomlTable.open(name, root.get(name), p, keys, secrets, Map.of());
  }

  /** Writes the environment's values into {@code [node]}; returns {@code HTTP_PORT}. */
  private static OptionalInt applyEnv(ObjectNode node, String name, Map<String, String> env, Problems p) {
    String nodeId = nonBlank(env.get(ENV_NODE_ID));
    if (nodeId != null) {
      long id;
      try {
        id = Long.parseLong(nodeId.strip());
      } catch (NumberFormatException e) {
        throw p.invalid(ENV_NODE_ID, Problems.quote(nodeId), "must be an integer >= 1");
      }
      node.put("node_id", id);
      p.overridden(name + ".node_id", ENV_NODE_ID);
    }
    String dataDirVar = nonBlank(env.get(ENV_DATA_DIR)) != null ? ENV_DATA_DIR : ENV_DATA_DIR_ALIAS;
    String dataDir = nonBlank(env.get(dataDirVar));
    if (dataDir != null) {
      node.put("data_dir", dataDir);
      p.overridden(name + ".data_dir", dataDirVar);
    }
    String port = nonBlank(env.get(ENV_HTTP_PORT));
    if (port == null) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Addresses.port(port.strip()));
    } catch (IllegalArgumentException e) {
      throw p.invalid(ENV_HTTP_PORT, Problems.quote(port), "must be an integer between 1 and 65535");
    }
  }

  private static String nonBlank(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
