package io.mvmci.config;

import static io.mvmci.config.Toml.API_SECRET;
import static io.mvmci.config.Toml.ENC_KEY;
import static io.mvmci.config.Toml.RAFT_SECRET;
import static io.mvmci.config.Toml.cluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The environment's rule (MVMCI_SECTION__KEY), its aliases, _FILE, and how they conflict. */
class EnvironmentTest {
  private static final String P = "invalid configuration (environment): ";
  private static final String THREE = "1 n1:9000 n1:3020, 2 n2:9000 n2:3020, 3 n3:9000 n3:3020";

  @TempDir Path dir;

  private static NodeConfig load(Map<String, String> env) {
    return ConfigLoader.load(Optional.empty(), env);
  }

  private static String error(Map<String, String> env) {
    return assertThrows(InvalidConfigException.class, () -> load(env)).getMessage();
  }

  /** A valid second member of a three-node cluster, all from the environment. */
  private static Map<String, String> member2() {
    Map<String, String> env = new HashMap<>();
    env.put("MVMCI_NODE__NODE_ID", "2");
    env.put("MVMCI_NODE__NODES", THREE);
    env.put("MVMCI_NODE__SECRET_RAFT", RAFT_SECRET);
    env.put("MVMCI_NODE__SECRET_API", API_SECRET);
    return env;
  }

  @Test
  void everySectionIsReachableByOneRuleAndTheSourceSaysEnvironment() {
    Map<String, String> env = member2();
    env.put("MVMCI_NODE__DATA_DIR", "/var/lib/mvm-ci");
    env.put("MVMCI_NODE__ENC_KEYS", "k1/" + ENC_KEY + ",k2/" + ENC_KEY.replace('M', 'N'));
    env.put("MVMCI_NODE__ENC_KEY_ACTIVE", "k2");
    env.put("MVMCI_NODE__LISTEN_ADDR_RAFT", "0.0.0.0");
    env.put("MVMCI_NODE__LISTEN_ADDR_API", "::");
    env.put("MVMCI_RAFT__ELECTION_TIMEOUT_MIN_MS", "700");
    env.put("MVMCI_RAFT__ELECTION_TIMEOUT_MAX_MS", " 1400 ");
    env.put("MVMCI_RAFT__LOG_SEGMENT_SIZE_BYTES", "8589934592");
    env.put("MVMCI_API__TOKEN", "token-0123456789abcdef");
    env.put("MVMCI_WORKERS__EMBEDDED", "0");
    env.put("MVMCI_WORKERS__JOURNAL_FSYNC", "TRUE");
    env.put("MVMCI_JOBS__LEASE_MS", "5000");

    NodeConfig c = load(env);

    assertEquals("environment", c.source());
    assertEquals(2, c.nodeId());
    assertEquals(new HostPort("n2", 9000), c.self().raft());
    assertEquals(List.of(1, 2, 3), c.members().stream().map(Member::id).toList());
    assertEquals(Path.of("/var/lib/mvm-ci"), c.dataDir());
    assertEquals(Optional.of(RAFT_SECRET), c.secretRaft());
    assertEquals(Optional.of("k2"), c.node().activeEncKey().map(EncKey::id));
    assertEquals(new HostPort("0.0.0.0", 9000), c.raftBind());
    assertEquals(new HostPort("::", 3020), c.httpBind());
    assertEquals(700, c.raft().electionTimeoutMinMs());
    assertEquals(1400, c.raft().electionTimeoutMaxMs());
    assertEquals(8L << 30, c.raft().logSegmentSizeBytes());
    assertEquals(Optional.of("token-0123456789abcdef"), c.apiToken());
    assertEquals(new WorkersSection(0, 4096, 64, false, true, java.util.List.of()), c.workers());
    assertEquals(5000, c.jobs().leaseMs());
  }

  @Test
  void theEnvironmentOverridesTheFileKeyByKey() {
    NodeConfig c = Toml.parse(cluster("[raft]\nrpc_timeout_ms = 2000\nsnapshot_retention = 5"),
        Map.of("MVMCI_RAFT__RPC_TIMEOUT_MS", "4000"));
    assertEquals(4000, c.raft().rpcTimeoutMs());
    assertEquals(5, c.raft().snapshotRetention());
    assertEquals("test.toml", c.source());
  }

  @Test
  void aBadValueNamesTheFieldTheVariableTheValueAndWhatItTakes() {
    assertEquals(P + "raft.rpc_timeout_ms = \"4s\" (from MVMCI_RAFT__RPC_TIMEOUT_MS): "
        + "must be an integer between 100 and 600000 milliseconds", error(Map.of("MVMCI_RAFT__RPC_TIMEOUT_MS", "4s")));
    assertEquals(P + "raft.rpc_timeout_ms = 50 (from MVMCI_RAFT__RPC_TIMEOUT_MS): "
        + "must be between 100 and 600000 milliseconds", error(Map.of("MVMCI_RAFT__RPC_TIMEOUT_MS", "50")));
    assertEquals(P + "workers.journal_fsync = \"yes\" (from MVMCI_WORKERS__JOURNAL_FSYNC): must be true or false",
        error(Map.of("MVMCI_WORKERS__JOURNAL_FSYNC", "yes")));
    assertEquals(P + "node.node_id = \"two\" (from NODE_ID): must be an integer between 1 and 2147483647",
        error(Map.of("NODE_ID", "two")));
    assertEquals(P + "node.nodes[1] = \"2 n2:9000\" (from NODES): "
        + "must be \"id raft_host:port http_host:port [stream_host:port]\" (3 or 4 parts, found 2)",
        error(Map.of("NODES", "1 n1:9000 n1:3020, 2 n2:9000", "NODE_ID", "1")));
    assertEquals(P + "node.nodes = [] (from NODES): must list at least one member, \"id raft_host:port http_host:port\"",
        error(Map.of("NODES", " , ,")));
  }

  @Test
  void anIntegerTooLargeForAnyParserIsARangeErrorNotATruncatedValue() {
    assertEquals(P + "jobs.lease_ms = 1234567890123456789 (from MVMCI_JOBS__LEASE_MS): "
        + "must be between 100 and 3600000 milliseconds", error(Map.of("MVMCI_JOBS__LEASE_MS", "1234567890123456789")));
    assertEquals(P + "node.node_id = -99999999999999999999 (from NODE_ID): must be between 1 and 2147483647",
        error(Map.of("NODE_ID", "-99999999999999999999")));
  }

  @Test
  void listsAreSeparatedByCommasOrNewlinesAndBlankElementsAreIgnored() {
    NodeConfig c = load(Map.of("NODES", "\n 1 10.0.0.1:9000 10.0.0.1:3020,\n\n2 10.0.0.2:9000 10.0.0.2:3020 ,",
        "NODE_ID", "02", "SECRET_RAFT", RAFT_SECRET, "SECRET_API", API_SECRET));
    assertEquals(2, c.nodeId());
    assertEquals(2, c.members().size());
  }

  @Test
  void nodeIdAloneIsASingleNodeWithThatId() {
    NodeConfig c = load(Map.of("NODE_ID", "7", "HTTP_PORT", "3333", "RAFT_PORT", "9333"));
    assertEquals(List.of(new Member(7, new HostPort("127.0.0.1", 9333), new HostPort("127.0.0.1", 3333))), c.members());
  }

  @Test
  void fileVariantsReadEachValueFromAFileWithoutItsTrailingNewline() throws IOException {
    Path raft = Files.writeString(dir.resolve("raft"), RAFT_SECRET + "\n");
    Path api = Files.writeString(dir.resolve("api"), API_SECRET + "\r\n\n");
    Path timeout = Files.writeString(dir.resolve("timeout"), "4000\n");
    Map<String, String> env = member2();
    env.remove("MVMCI_NODE__SECRET_RAFT");
    env.remove("MVMCI_NODE__SECRET_API");
    env.put("SECRET_RAFT_FILE", raft.toString());
    env.put("MVMCI_NODE__SECRET_API_FILE", api.toString());
    env.put("MVMCI_RAFT__RPC_TIMEOUT_MS_FILE", timeout.toString());

    NodeConfig c = load(env);
    assertEquals(Optional.of(RAFT_SECRET), c.secretRaft());
    assertEquals(Optional.of(API_SECRET), c.secretApi());
    assertEquals(4000, c.raft().rpcTimeoutMs());
  }

  @Test
  void aVariableAndItsFileTogetherAreRefusedNamingBoth() throws IOException {
    Path raft = Files.writeString(dir.resolve("raft"), RAFT_SECRET);
    Map<String, String> env = member2();
    env.put("MVMCI_NODE__SECRET_RAFT_FILE", raft.toString());
    assertEquals(P + "MVMCI_NODE__SECRET_RAFT_FILE = \"" + raft + "\": MVMCI_NODE__SECRET_RAFT is set too "
        + "(both set node.secret_raft); keep one of them", error(env));
  }

  @Test
  void anUnreadableFileNamesTheVariableThePathAndTheKey() {
    String missing = dir.resolve("absent").toString();
    assertEquals(P + "SECRET_API_FILE = \"" + missing + "\": no such file (it should hold node.secret_api)",
        error(Map.of("SECRET_API_FILE", missing)));
    assertEquals(P + "API_TOKEN_FILE = \"" + dir + "\": is a directory, not a file (it should hold api.token)",
        error(Map.of("API_TOKEN_FILE", dir.toString())));
  }

  static Stream<Arguments> aliases() {
    String key = "k1/" + ENC_KEY;
    return Stream.of(
        Arguments.of("MVMCI_NODE_ID", "3", (Function<NodeConfig, Object>) NodeConfig::nodeId, 3),
        Arguments.of("NODE_ID", "3", (Function<NodeConfig, Object>) NodeConfig::nodeId, 3),
        Arguments.of("MVMCI_DATA_DIR", "/d", (Function<NodeConfig, Object>) NodeConfig::dataDir, Path.of("/d")),
        Arguments.of("DATA_DIR", "/d", (Function<NodeConfig, Object>) NodeConfig::dataDir, Path.of("/d")),
        Arguments.of("NODES", "1 a:1 a:2", (Function<NodeConfig, Object>) c -> c.self().toEntry(), "1 a:1 a:2"),
        Arguments.of("SECRET_RAFT", RAFT_SECRET, (Function<NodeConfig, Object>) NodeConfig::secretRaft, Optional.of(RAFT_SECRET)),
        Arguments.of("SECRET_API", API_SECRET, (Function<NodeConfig, Object>) NodeConfig::secretApi, Optional.of(API_SECRET)),
        Arguments.of("ENC_KEYS", key, (Function<NodeConfig, Object>) c -> c.node().encKeys().size(), 1),
        Arguments.of("ENC_KEY_ACTIVE", "k1", (Function<NodeConfig, Object>) c -> c.node().encKeyActive(), Optional.of("k1")),
        Arguments.of("LISTEN_ADDR_RAFT", "0.0.0.0", (Function<NodeConfig, Object>) c -> c.raftBind().host(), "0.0.0.0"),
        Arguments.of("LISTEN_ADDR_API", "::", (Function<NodeConfig, Object>) c -> c.httpBind().host(), "::"),
        Arguments.of("API_TOKEN", "token-0123456789abcdef", (Function<NodeConfig, Object>) NodeConfig::apiToken,
            Optional.of("token-0123456789abcdef")),
        Arguments.of("HTTP_PORT", "4000", (Function<NodeConfig, Object>) c -> c.httpBind().port(), 4000),
        Arguments.of("RAFT_PORT", "9999", (Function<NodeConfig, Object>) c -> c.raftBind().port(), 9999));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("aliases")
  void eachAliasSetsWhatTheTableSays(String alias, String value, Function<NodeConfig, Object> read, Object expected) {
    assertThat(Environment.ALIASES).containsKey(alias);
    Map<String, String> env = new HashMap<>(Map.of(alias, value));
    if (alias.startsWith("ENC_")) {
      env.put("ENC_KEYS", "k1/" + ENC_KEY);
      env.put("ENC_KEY_ACTIVE", "k1");
    }
    if (alias.endsWith("NODE_ID")) {
      env.put("NODES", "3 127.0.0.1:9000 127.0.0.1:3020");
    }
    assertEquals(expected, read.apply(load(env)));
  }

  @Test
  void theAliasTableIsCoveredByTheTest() {
    assertThat(aliases().map(a -> (String) a.get()[0]).toList())
        .containsExactlyInAnyOrderElementsOf(Environment.ALIASES.keySet());
  }

  @Test
  void namesForOneKeyThatAgreeAreFineAndTheRuleNameIsTheOneReported() {
    NodeConfig c = load(Map.of("NODE_ID", "02", "MVMCI_NODE_ID", "2", "MVMCI_NODE__NODE_ID", "+2",
        "NODES", "2 127.0.0.1:9000 127.0.0.1:3020", "DATA_DIR", "/same", "MVMCI_DATA_DIR", "/same"));
    assertEquals(2, c.nodeId());
    assertEquals(Path.of("/same"), c.dataDir());
    assertEquals(P + "node.node_id = 2 (from MVMCI_NODE__NODE_ID): not a member: node.nodes has ids 3; add this node to it",
        error(Map.of("NODE_ID", "2", "MVMCI_NODE__NODE_ID", "2", "NODES", "3 127.0.0.1:9000 127.0.0.1:3020")));
  }

  @Test
  void namesForOneKeyThatDisagreeAreRefusedNamingBothVariablesAndValues() {
    assertEquals(P + "node.node_id = 3 (from NODE_ID): disagrees with MVMCI_NODE_ID = 2; "
        + "unset one of them, or give both the same value", error(Map.of("NODE_ID", "3", "MVMCI_NODE_ID", "2")));
    assertEquals(P + "node.data_dir = \"/alias\" (from DATA_DIR): disagrees with MVMCI_DATA_DIR = \"/main\"; "
        + "unset one of them, or give both the same value", error(Map.of("DATA_DIR", "/alias", "MVMCI_DATA_DIR", "/main")));
    assertEquals(P + "node.secret_raft = <redacted, 22 chars> (from SECRET_RAFT): disagrees with "
        + "MVMCI_NODE__SECRET_RAFT = <redacted, 23 chars>; unset one of them, or give both the same value",
        error(Map.of("SECRET_RAFT", RAFT_SECRET, "MVMCI_NODE__SECRET_RAFT", RAFT_SECRET + "x")));
  }

  @Test
  void httpPortMustAgreeWithNodesFromTheEnvironment() {
    Map<String, String> env = member2();
    env.put("HTTP_PORT", "3020");
    assertEquals(3020, load(env).httpBind().port());

    env.put("HTTP_PORT", "3021");
    assertEquals(P + "node.nodes[1] = \"2 n2:9000 n2:3020\" (from MVMCI_NODE__NODES): this member's http port 3020 "
        + "disagrees with HTTP_PORT = 3021; make them agree or unset HTTP_PORT", error(env));
    env.put("HTTP_PORT", "3020");
    env.put("RAFT_PORT", "9002");
    assertEquals(P + "node.nodes[1] = \"2 n2:9000 n2:3020\" (from MVMCI_NODE__NODES): this member's raft port 9000 "
        + "disagrees with RAFT_PORT = 9002; make them agree or unset RAFT_PORT", error(env));
  }

  @Test
  void portsReplaceThisMembersPortsInNodesFromTheFile() {
    NodeConfig c = Toml.parse(cluster(""), Map.of("RAFT_PORT", "9100", "HTTP_PORT", "4000"));
    assertEquals(new Member(1, new HostPort("127.0.0.1", 9100), new HostPort("127.0.0.1", 4000)), c.self());
    assertEquals(3021, c.peers().get(0).http().port());
  }

  @Test
  void aPortThatIsNotOneNamesTheVariableAndWhatItSets() {
    assertEquals(P + "RAFT_PORT = \"0\": must be an integer between 1 and 65535 (this member's raft port in node.nodes)",
        error(Map.of("RAFT_PORT", "0")));
  }

  @Test
  void anUnknownNameInTheRulesShapeIsRefusedWithASuggestionAndItsValueHidden() {
    assertEquals(P + "MVMCI_RAFT__ELECTION_TIMEOUT_MS = 500: unknown key raft.election_timeout_ms; "
        + "did you mean MVMCI_RAFT__ELECTION_TIMEOUT_MIN_MS?", error(Map.of("MVMCI_RAFT__ELECTION_TIMEOUT_MS", "500")));
    assertEquals(P + "MVMCI_NODE__SECRET_RAFFT = <redacted, 22 chars>: unknown key node.secret_rafft; "
        + "did you mean MVMCI_NODE__SECRET_RAFT?", error(Map.of("MVMCI_NODE__SECRET_RAFFT", RAFT_SECRET)));
    assertEquals(P + "MVMCI_RAF__RPC_TIMEOUT_MS = 500: unknown section raf; did you mean MVMCI_RAFT__RPC_TIMEOUT_MS?",
        error(Map.of("MVMCI_RAF__RPC_TIMEOUT_MS", "500")));
    assertEquals(P + "MVMCI_DATABASE__URL = <redacted, 6 chars>: unknown section database "
        + "(sections: NODE, RAFT, API, WORKERS, JOBS, ARTIFACTS)", error(Map.of("MVMCI_DATABASE__URL", "jdbc:x")));
    assertEquals(P + "MVMCI_NODE__COLOUR_FILE = <redacted, 4 chars>: unknown key node.colour (keys: node_id, data_dir, "
        + "secret_raft, secret_api, enc_keys, enc_key_active, nodes, listen_addr_raft, listen_addr_api, join)",
        error(Map.of("MVMCI_NODE__COLOUR_FILE", "/etc")));
  }

  @Test
  void retiredNamesAreRefusedWithWhatToDoInstead() {
    assertEquals(P + "MVMCI_EXTRA_TOML = <redacted, 17 chars>: is no longer read; "
        + "set each key as MVMCI_<SECTION>__<KEY> (config/README.md)", error(Map.of("MVMCI_EXTRA_TOML", "[jobs]\nlease_ms=1")));
  }

  @Test
  void otherVariablesAreNotConfiguration() {
    NodeConfig c = load(Map.of("MVMCI_LOG_FORMAT", "ecs", "MVMCI_JAVA_CMD", "java", "MVMCI_USER", "mvmci",
        "MVMCI_WORKER_TOKEN", "x", "MVMCI_CONFIG_FILE", "/x", "CONTROL_PLANE", "http://a", "PATH", "/bin"));
    assertEquals("built-in defaults", c.source());
  }
}
