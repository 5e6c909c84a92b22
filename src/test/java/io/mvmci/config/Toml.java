package io.mvmci.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

/** Test fixtures: a valid three-node [node] section and shortcuts to parse TOML text. */
final class Toml {
  static final String RAFT_SECRET = "raft-secret-0123456789";
  static final String API_SECRET = "api-secret-0123456789";
  static final String ENC_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // 32 bytes

  /** [node] of member 1 of a valid three-node cluster, followed by {@code extra} lines. */
  static String cluster(String extra) {
    return """
        [node]
        node_id = 1
        data_dir = "./data/node1"
        secret_raft = "%s"
        secret_api = "%s"
        nodes = ["1 127.0.0.1:9000 127.0.0.1:3020", "2 127.0.0.1:9002 127.0.0.1:3021", "3 127.0.0.1:9004 127.0.0.1:3022"]
        %s
        """.formatted(RAFT_SECRET, API_SECRET, extra);
  }

  static NodeConfig parse(String toml) {
    return parse(toml, Map.of());
  }

  static NodeConfig parse(String toml, Map<String, String> env) {
    return ConfigLoader.parse(toml, "test.toml", env, 4);
  }

  static String error(String toml) {
    return error(toml, Map.of());
  }

  static String error(String toml, Map<String, String> env) {
    return assertThrows(InvalidConfigException.class, () -> parse(toml, env)).getMessage();
  }

  private Toml() {}
}
