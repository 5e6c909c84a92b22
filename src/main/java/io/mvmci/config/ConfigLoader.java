package io.mvmci.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Loads the node configuration before anything else starts.
 *
 * <p>Each section's values are layered, highest first: the environment ({@link Environment}: one
 * naming rule, the aliases, {@code _FILE}), the file, the built-in defaults; Jackson then binds the
 * result into the section's record ({@link Binding}) and the record checks its rules. The file is
 * the {@code --config} flag's, else {@code MVMCI_CONFIG}'s, else none.
 *
 * <p>Every failure is an {@link InvalidConfigException} with a one-line message; the caller
 * prints it and exits. A secret or key that is a public example is used, and logged as a warning.
 * Nothing here binds a port, creates a directory or resolves a name.
 */
public final class ConfigLoader {
  public static final String CONFIG_FLAG = "--config";
  public static final String ENV_CONFIG = "MVMCI_CONFIG";
  public static final String ENV_NODE_ID = "MVMCI_NODE_ID";
  public static final String ENV_DATA_DIR = "MVMCI_DATA_DIR";
  public static final String ENV_DATA_DIR_ALIAS = "DATA_DIR";
  public static final String ENV_HTTP_PORT = "HTTP_PORT";
  public static final String DEFAULTS_SOURCE = "built-in defaults";
  /** The source of a configuration with no file, set by environment variables. */
  public static final String ENVIRONMENT_SOURCE = "environment";

  /** What a module deploy adds around the module's bytes in its log entry, at most. */
  public static final int COMMAND_ENVELOPE_HEADROOM = 64 * 1024;

  static final String ORIGINAL_NODE_SECTION = "hiqlite";

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  private ConfigLoader() {}

  /** Loads from the file named by {@code --config} in {@code args} or by {@code env}, or none. */
  public static NodeConfig load(String[] args, Map<String, String> env) {
    String flag = configFlag(args);
    return flag != null ? fromFile(flag, CONFIG_FLAG, env) : load(Optional.empty(), env);
  }

  /**
   * Loads from {@code file} (a {@code --config} flag's value) if present, else from the file {@code
   * MVMCI_CONFIG} names, else from the environment and the defaults alone.
   */
  public static NodeConfig load(Optional<Path> file, Map<String, String> env) {
    if (file.isPresent()) {
      return fromFile(file.get().toString(), CONFIG_FLAG, env);
    }
    String envPath = env.get(ENV_CONFIG);
    if (envPath != null && !envPath.isBlank()) {
      return fromFile(envPath, ENV_CONFIG, env);
    }
    return parse("", Environment.anySet(env) ? ENVIRONMENT_SOURCE : DEFAULTS_SOURCE, env);
  }

  /** Parses TOML text; {@code source} names it in messages. The environment applies. */
  public static NodeConfig parse(String toml, String source, Map<String, String> env) {
    return parse(toml, source, env, Runtime.getRuntime().availableProcessors());
  }

  static NodeConfig parse(String toml, String source, Map<String, String> env, int processors) {
    Problems problems = new Problems(source);
    ObjectNode root = tree(toml, source);
    String nodeName = TopLevel.check(root, problems);
    Environment.Layer environment = Environment.read(env, problems);

    Map<Section<?>, Fields> fields = new LinkedHashMap<>();
    for (Section<?> s : Section.ALL) {
      String name = s == Section.NODE ? nodeName : s.name();
      ObjectNode set = TopLevel.table(root, name, problems).deepCopy();
      environment.section(s.name()).properties().forEach(e -> {
        set.set(e.getKey(), e.getValue());
        problems.overridden(name + "." + e.getKey(), environment.origins().get(s.name() + "." + e.getKey()));
      });
      ObjectNode effective = Binding.tree(defaults(s, set, processors)).setAll(set);
      fields.put(s, new Fields(s, name, effective, set, problems));
    }

    NodeSection node = Binding.bind(Section.NODE, fields.get(Section.NODE))
        .checked(fields.get(Section.NODE), environment.http(), environment.raft());
    RaftSection raft = Binding.bind(Section.RAFT, fields.get(Section.RAFT)).checked(fields.get(Section.RAFT));
    ApiSection api = Binding.bind(Section.API, fields.get(Section.API)).checked(fields.get(Section.API));
    WorkersSection workers = Binding.bind(Section.WORKERS, fields.get(Section.WORKERS))
        .checked(fields.get(Section.WORKERS));
    JobsSection jobs = Binding.bind(Section.JOBS, fields.get(Section.JOBS)).checked(fields.get(Section.JOBS));
    ArtifactsSection artifacts = Binding.bind(Section.ARTIFACTS, fields.get(Section.ARTIFACTS))
        .checked(fields.get(Section.ARTIFACTS));
    crossCheck(raft, api, jobs, fields);
    if (!node.exampleValues().isEmpty()) {
      LOG.warn("{} of {} hold public example values (in git); set your own (openssl rand -base64 32)",
          String.join(", ", node.exampleValues()), source);
    }
    return new NodeConfig(source, node, raft, api, workers, jobs, artifacts);
  }

  private static Object defaults(Section<?> s, ObjectNode set, int processors) {
    if (s == Section.NODE) {
      JsonNode id = set.get("node_id");
      boolean usable = id != null && id.isIntegralNumber() && id.canConvertToInt() && id.intValue() >= 1;
      return NodeSection.defaults(usable ? id.intValue() : NodeSection.DEFAULT_NODE_ID);
    }
    if (s == Section.RAFT) {
      return RaftSection.DEFAULTS;
    }
    if (s == Section.API) {
      return ApiSection.DEFAULTS;
    }
    if (s == Section.ARTIFACTS) {
      return ArtifactsSection.DEFAULTS;
    }
    return s == Section.WORKERS ? WorkersSection.defaults(processors) : JobsSection.DEFAULTS;
  }

  private static void crossCheck(RaftSection raft, ApiSection api, JobsSection jobs, Map<Section<?>, Fields> f) {
    if (jobs.leaseMs() <= raft.electionTimeoutMaxMs()) {
      throw f.get(Section.JOBS).invalid("lease_ms",
          "must be greater than raft.election_timeout_max_ms (" + raft.electionTimeoutMaxMs()
              + "), or one leader election would expire every lease");
    }
    if (api.maxBodyBytes() > raft.groupCommitMaxBytes()) {
      throw f.get(Section.API).invalid("max_body_bytes",
          "must not exceed raft.group_commit_max_bytes (" + raft.groupCommitMaxBytes()
              + "): one request must fit in one batch");
    }
    if ((long) api.maxModuleBytes() + COMMAND_ENVELOPE_HEADROOM > raft.logEntryMaxBytes()) {
      throw f.get(Section.RAFT).invalid("log_entry_max_bytes",
          "must be at least api.max_module_bytes (" + api.maxModuleBytes() + ") + "
              + COMMAND_ENVELOPE_HEADROOM + ": a module deploy is one log entry");
    }
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

  private static NodeConfig fromFile(String path, String from, Map<String, String> env) {
    try {
      return parse(TextFile.read(path), path, env);
    } catch (TextFile.Unreadable e) {
      throw new InvalidConfigException(path, from, Problems.quote(path), e.getMessage());
    }
  }

  private static ObjectNode tree(String toml, String source) {
    try {
      JsonNode n = Binding.MAPPER.readTree(toml);
      HugeIntegers.reject(toml, source);
      return n instanceof ObjectNode o ? o : Binding.MAPPER.createObjectNode();
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where =
          at == null ? "unknown position" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
      // The parser's own message only: the source excerpt could contain a secret.
      throw InvalidConfigException.syntax(source, where, e.getOriginalMessage());
    }
  }
}
