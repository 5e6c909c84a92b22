package io.mvmci.config;

import static io.mvmci.config.Toml.cluster;
import static io.mvmci.config.Toml.error;
import static io.mvmci.config.Toml.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path write(String name, String toml) throws IOException {
    return Files.writeString(dir.resolve(name), toml);
  }

  @Test
  void noFileAtAllIsOneWorkingNode() {
    NodeConfig c = ConfigLoader.load(new String[0], Map.of());

    assertEquals("built-in defaults", c.source());
    assertEquals(1, c.nodeId());
    assertEquals(Path.of("./data"), c.dataDir());
    assertEquals(List.of(new Member(1, new HostPort("127.0.0.1", 9000), new HostPort("127.0.0.1", 3020))), c.members());
    assertThat(c.peers()).isEmpty();
    assertThat(c.isSingleNode()).isTrue();
    assertEquals(new HostPort("127.0.0.1", 3020), c.httpBind());
    assertEquals(new HostPort("127.0.0.1", 9000), c.raftBind());
    assertEquals(Optional.empty(), c.secretRaft());
    assertEquals(Optional.empty(), c.secretApi());
    assertEquals(Optional.empty(), c.apiToken());
    assertThat(c.node().encKeys()).isEmpty();
    assertEquals(RaftSection.DEFAULTS, c.raft());
    assertEquals(ApiSection.DEFAULTS, c.api());
    assertEquals(JobsSection.DEFAULTS, c.jobs());
    assertEquals(WorkersSection.defaults(Runtime.getRuntime().availableProcessors()), c.workers());
  }

  @Test
  void defaultsHaveTheDocumentedValues() {
    assertEquals(new RaftSection(500, 1000, 3000, 20_000, 2, 512, 1 << 20, 20 << 20, 64L << 20, 256, false, 3_600_000), RaftSection.DEFAULTS);
    assertEquals(new ApiSection(Optional.empty(), 65_536, 16 << 20, 10_000), ApiSection.DEFAULTS);
    assertEquals(new JobsSection(3000, 1000, 500, 3, 1000, 60_000, 300_000, 0, 2 * 1024 * 1024, 32 * 1024 * 1024, 50_000, 500, 60_000), JobsSection.DEFAULTS);
    assertEquals(new WorkersSection(4, 4096, 64, false, false, java.util.List.of()), parse("").workers());
  }

  @Test
  void clusterMemberSeesItsPeersAndBindAddresses() {
    NodeConfig c = parse(cluster("listen_addr_raft = \"0.0.0.0\"\nlisten_addr_api = \"::\"").replace("node_id = 1", "node_id = 2"));

    assertEquals(2, c.nodeId());
    assertEquals(new Member(2, new HostPort("127.0.0.1", 9002), new HostPort("127.0.0.1", 3021)), c.self());
    assertEquals(List.of(1, 3), c.peers().stream().map(Member::id).toList());
    assertEquals(new HostPort("0.0.0.0", 9002), c.raftBind());
    assertEquals(new HostPort("::", 3021), c.httpBind());
    assertEquals("[::]:3021", c.httpBind().toString());
    assertEquals(Optional.of(Toml.RAFT_SECRET), c.secretRaft());
    assertEquals(Optional.of(Toml.API_SECRET), c.secretApi());
  }

  @Test
  void listenAddressesDefaultToTheOwnMembersHosts() {
    NodeConfig c = parse("""
        [node]
        node_id = 1
        nodes = ["1 10.0.0.5:9000 node1.example.com:3020"]
        """);

    assertEquals(new HostPort("10.0.0.5", 9000), c.raftBind());
    assertEquals(new HostPort("node1.example.com", 3020), c.httpBind());
  }

  @Test
  void hiqliteIsAnAliasOfNode() {
    NodeConfig c = parse(cluster("").replace("[node]", "[hiqlite]"));

    assertEquals(1, c.nodeId());
    assertEquals(3, c.members().size());
    assertEquals(Optional.of(Toml.RAFT_SECRET), c.secretRaft());
  }

  @Test
  void hiqliteErrorsNameTheSectionAsWritten() {
    assertEquals(
        "invalid configuration (test.toml): hiqlite.node_id = 0: must be between 1 and 2147483647",
        error("[hiqlite]\nnode_id = 0\n"));
  }

  @Test
  void hiqliteKeysMvmCiDoesNotHaveAreNamedAsSuch() {
    assertEquals(
        "invalid configuration (test.toml): hiqlite.log_statements = false: "
            + "a setting of the original (hiqlite) that mvm-ci does not have; remove it",
        error("[hiqlite]\nlog_statements = false\n"));
  }

  @Test
  void nodeAndHiqliteTogetherAreRefused() {
    assertEquals(
        "invalid configuration (test.toml): hiqlite = <table>: [hiqlite] is the original's name for [node]; keep one of them",
        error("[node]\nnode_id = 1\n[hiqlite]\nnode_id = 1\n"));
  }

  @Test
  void configFlagWinsOverEnvironment() throws IOException {
    Path flagFile = write("flag.toml", "[node]\ndata_dir = \"/from/flag\"\n");
    Path envFile = write("env.toml", "[node]\ndata_dir = \"/from/env\"\n");
    Map<String, String> env = Map.of("MVMCI_CONFIG", envFile.toString());

    assertEquals(Path.of("/from/flag"), ConfigLoader.load(new String[] {"--config", flagFile.toString()}, env).dataDir());
    assertEquals(Path.of("/from/flag"), ConfigLoader.load(new String[] {"--config=" + flagFile}, env).dataDir());
    assertEquals(Path.of("/from/env"), ConfigLoader.load(new String[] {"--server.port=1"}, env).dataDir());
    assertEquals(flagFile.toString(), ConfigLoader.load(new String[] {"--config", flagFile.toString()}, env).source());
  }

  @Test
  void anExplicitFileWinsOverMvmciConfigAndNoneFallsBackToIt() throws IOException {
    Path explicit = write("explicit.toml", "[node]\ndata_dir = \"/explicit\"\n");
    Path envFile = write("env.toml", "[node]\ndata_dir = \"/from/env\"\n");
    Map<String, String> env = Map.of("MVMCI_CONFIG", envFile.toString());

    assertEquals(Path.of("/explicit"), ConfigLoader.load(Optional.of(explicit), env).dataDir());
    assertEquals(Path.of("/from/env"), ConfigLoader.load(Optional.empty(), env).dataDir());
    assertEquals("built-in defaults", ConfigLoader.load(Optional.empty(), Map.of()).source());
    assertEquals("invalid configuration (" + dir.resolve("none") + "): --config = \"" + dir.resolve("none")
            + "\": no such file",
        assertThrows(InvalidConfigException.class,
            () -> ConfigLoader.load(Optional.of(dir.resolve("none")), Map.of())).getMessage());
  }

  @Test
  void blankEnvironmentVariablesCountAsUnset() {
    NodeConfig c = ConfigLoader.load(
        new String[0], Map.of("MVMCI_CONFIG", " ", "HTTP_PORT", "", "MVMCI_NODE_ID", "", "DATA_DIR", ""));

    assertEquals("built-in defaults", c.source());
    assertEquals(3020, c.httpBind().port());
  }

  @Test
  void missingFileNamesThePathAndWhereItCameFrom() {
    String missing = dir.resolve("nope.toml").toString();

    InvalidConfigException flag = assertThrows(InvalidConfigException.class,
        () -> ConfigLoader.load(new String[] {"--config", missing}, Map.of()));
    InvalidConfigException env = assertThrows(InvalidConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("MVMCI_CONFIG", missing)));

    assertEquals("invalid configuration (" + missing + "): --config = \"" + missing + "\": no such file", flag.getMessage());
    assertEquals("invalid configuration (" + missing + "): MVMCI_CONFIG = \"" + missing + "\": no such file", env.getMessage());
  }

  @Test
  void directoryIsNotAConfigFile() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> ConfigLoader.load(new String[] {"--config=" + dir}, Map.of()));

    assertEquals("invalid configuration (" + dir + "): --config = \"" + dir + "\": is a directory, not a file", e.getMessage());
  }

  @Test
  void fileThatIsNotUtf8IsRefused() throws IOException {
    Path f = Files.write(dir.resolve("latin1.toml"), new byte[] {'#', ' ', (byte) 0xE9, '\n'});

    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> ConfigLoader.load(new String[] {"--config", f.toString()}, Map.of()));

    assertEquals("invalid configuration (" + f + "): --config = \"" + f + "\": is not UTF-8 text", e.getMessage());
  }

  @Test
  void configFlagWithoutPathOrTwiceIsRefused() {
    assertEquals("invalid configuration (built-in defaults): --config = <missing>: expects a file path",
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(new String[] {"--config"}, Map.of())).getMessage());
    assertEquals("invalid configuration (b.toml): --config = \"b.toml\": given twice (first \"a.toml\")",
        assertThrows(InvalidConfigException.class,
            () -> ConfigLoader.load(new String[] {"--config=a.toml", "--config", "b.toml"}, Map.of())).getMessage());
  }

  @Test
  void syntaxErrorNamesLineAndColumn() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> parse("[node]\n\nnode_id = = 1\n"));

    assertEquals("invalid configuration (test.toml): TOML syntax error at line 3, column 11: Unknown token", e.getMessage());
    assertEquals("line 3, column 11", e.field());
  }

  @Test
  void syntaxErrorInFileNamesThePath() throws IOException {
    Path f = write("bad.toml", "[node]\nnode_id = 1\n[node]\n");

    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> ConfigLoader.load(new String[] {"--config", f.toString()}, Map.of()));

    assertThat(e.getMessage()).startsWith("invalid configuration (" + f + "): TOML syntax error at line 3, column ");
    assertThat(e.getMessage()).endsWith(": Table redefined");
  }

  // --- environment overrides: env > file > default ---

  @Test
  void httpPortOverridesBindPortAndOwnMemberEntry() {
    NodeConfig c = parse(cluster(""), Map.of("HTTP_PORT", "4000"));

    assertEquals(4000, c.httpBind().port());
    assertEquals(new HostPort("127.0.0.1", 4000), c.self().http());
    assertEquals(List.of(3021, 3022), c.peers().stream().map(m -> m.http().port()).toList());
  }

  @Test
  void httpPortOverridesTheDefaultToo() {
    assertEquals(4000, parse("", Map.of("HTTP_PORT", "4000")).httpBind().port());
  }

  @Test
  void nodeIdFromEnvironmentPicksAnotherMember() {
    NodeConfig c = parse(cluster(""), Map.of("MVMCI_NODE_ID", "3", "HTTP_PORT", "4003"));

    assertEquals(3, c.nodeId());
    assertEquals(new HostPort("127.0.0.1", 9004), c.raftBind());
    assertEquals(new HostPort("127.0.0.1", 4003), c.httpBind());
    assertEquals(3021, c.members().get(1).http().port());
  }

  @Test
  void dataDirFromEnvironmentUnderEitherName() {
    assertEquals(Path.of("/alias"), parse(cluster(""), Map.of("DATA_DIR", "/alias")).dataDir());
    assertEquals(Path.of("/main"), parse(cluster(""), Map.of("MVMCI_DATA_DIR", "/main")).dataDir());
    assertEquals(Path.of("./data/node1"), parse(cluster("")).dataDir());
  }

  @Test
  void badEnvironmentValuesNameTheFieldAndTheVariable() {
    assertEquals("invalid configuration (test.toml): HTTP_PORT = \"80a\": must be an integer between 1 and 65535 "
            + "(this member's http port in node.nodes)",
        error(cluster(""), Map.of("HTTP_PORT", "80a")));
    assertEquals("invalid configuration (test.toml): HTTP_PORT = \"70000\": must be an integer between 1 and 65535 "
            + "(this member's http port in node.nodes)",
        error(cluster(""), Map.of("HTTP_PORT", "70000")));
    assertEquals("invalid configuration (test.toml): node.node_id = \"two\" (from MVMCI_NODE_ID): "
            + "must be an integer between 1 and 2147483647",
        error(cluster(""), Map.of("MVMCI_NODE_ID", "two")));
  }

  @Test
  void valueFromEnvironmentIsMarkedInTheMessage() {
    assertEquals(
        "invalid configuration (test.toml): node.node_id = 7 (from MVMCI_NODE_ID): "
            + "not a member: node.nodes has ids 1, 2, 3; add this node to it",
        error(cluster(""), Map.of("MVMCI_NODE_ID", "7")));
  }

  @Test
  void httpPortThatCollidesWithAPeerIsReportedOnTheOverriddenEntry() {
    assertEquals(
        "invalid configuration (test.toml): node.nodes[0] = \"1 127.0.0.1:9000 127.0.0.1:3021\" (from HTTP_PORT): "
            + "http address 127.0.0.1:3021 is also the http address of node.nodes[1]; every raft and http address must be distinct",
        error(cluster(""), Map.of("HTTP_PORT", "3021")));
  }
}
