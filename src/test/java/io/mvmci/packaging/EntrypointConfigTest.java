package io.mvmci.packaging;

import static io.mvmci.packaging.Entrypoint.assertNoSecret;
import static io.mvmci.packaging.Entrypoint.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.mvmci.config.ConfigLoader;
import io.mvmci.config.EncKey;
import io.mvmci.config.HostPort;
import io.mvmci.config.Member;
import io.mvmci.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docker-entrypoint.sh as a plain script, with {@code java} stubbed: the TOML it writes from the
 * environment loads with the node's own {@link ConfigLoader}, and every missing or contradictory
 * combination stops it with exit 78 and a message naming the variable, never the secret.
 */
class EntrypointConfigTest {
  static final String RAFT = "raft-secret-0123456789";
  static final String API = "api-secret-0123456789";
  static final String KEY = "k1/" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
  static final String NODES = "1 node1:9000 node1:3020, 2 node2:9000 node2:3020, 3 node3:9000 node3:3020";

  @TempDir Path dir;
  Path data;
  Entrypoint entrypoint;

  @BeforeEach
  void setUp() {
    data = dir.resolve("data");
    entrypoint = new Entrypoint(dir);
  }

  Map<String, String> cluster() {
    Map<String, String> env = new HashMap<>();
    env.put("NODES", NODES);
    env.put("NODE_ID", "2");
    env.put("SECRET_RAFT", RAFT);
    env.put("SECRET_API", API);
    env.put("DATA_DIR", data.toString());
    return env;
  }

  /** Loads what the script handed to Java, with the environment Java was given. */
  static NodeConfig loaded(Entrypoint.Run run) {
    assertThat(run.exit()).as(run.output()).isZero();
    return ConfigLoader.load(new String[] {"--config", run.configFile().toString()}, run.env("java"));
  }

  @Test
  void aClusterMemberGetsAValidConfigurationAndJavaIsExecWithIt() throws IOException {
    Map<String, String> env = cluster();
    env.put("ENC_KEYS", KEY + ",k2/" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
    env.put("ENC_KEY_ACTIVE", "k2");
    Entrypoint.Run run = entrypoint.run(env, "--extra", "arg with space");

    NodeConfig c = loaded(run);
    assertThat(c.nodeId()).isEqualTo(2);
    assertThat(c.members()).extracting(Member::id).containsExactly(1, 2, 3);
    assertThat(c.self().raft()).isEqualTo(new HostPort("node2", 9000));
    assertThat(c.self().http()).isEqualTo(new HostPort("node2", 3020));
    assertThat(c.node().listenAddrRaft()).isEqualTo("0.0.0.0");
    assertThat(c.node().listenAddrApi()).isEqualTo("0.0.0.0");
    assertThat(c.dataDir()).isEqualTo(data);
    assertThat(c.secretRaft()).contains(RAFT);
    assertThat(c.secretApi()).contains(API);
    assertThat(c.node().encKeys()).extracting(EncKey::id).containsExactly("k1", "k2");
    assertThat(c.node().activeEncKey().map(EncKey::id)).contains("k2");

    assertThat(run.configFile()).isEqualTo(data.resolve("node.toml"));
    assertThat(Files.getPosixFilePermissions(run.configFile()))
        .as("the file holds the secrets").isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(run.args("java"))
        .containsExactly("-jar", "/opt/mvm-ci/mvm-ci.jar", "--config", data.resolve("node.toml").toString(),
            "--extra", "arg with space");
    assertThat(run.stderr()).contains("node 2 of 3");
    assertNoSecret(run, RAFT, API, KEY.substring(3));
  }

  @Test
  void bashRunsItTheSameAsTheImagesPosixSh() {
    Entrypoint bash = new Entrypoint(dir.resolve("bash"), "bash");
    NodeConfig c = loaded(bash.run(cluster()));
    assertThat(c.nodeId()).isEqualTo(2);
    assertThat(c.members()).hasSize(3);
    Map<String, String> env = cluster();
    env.put("SECRET_RAFT", "short-secret");
    assertRefused(bash.run(env), "SECRET_RAFT", "short-secret");
  }

  @Test
  void withNothingSetItIsTheSingleNodeOfTheQuickStart() {
    Entrypoint.Run run = entrypoint.run(Map.of("DATA_DIR", data.toString()));

    NodeConfig c = loaded(run);
    assertThat(c.isSingleNode()).isTrue();
    assertThat(c.nodeId()).isEqualTo(1);
    assertThat(c.httpBind()).isEqualTo(new HostPort("0.0.0.0", 3020));
    assertThat(c.raftBind()).isEqualTo(new HostPort("0.0.0.0", 9000));
    assertThat(c.secretRaft()).isEmpty();
  }

  @Test
  void aSingleNodeTakesItsPortsFromHttpPortAndRaftPort() {
    Entrypoint.Run run = entrypoint.run(Map.of("DATA_DIR", data.toString(), "HTTP_PORT", "3333",
        "RAFT_PORT", "9333", "LISTEN_ADDR_API", "127.0.0.1", "NODE_ID", "7"));

    NodeConfig c = loaded(run);
    assertThat(c.nodeId()).isEqualTo(7);
    assertThat(c.httpBind()).isEqualTo(new HostPort("127.0.0.1", 3333));
    assertThat(c.self().raft().port()).isEqualTo(9333);
  }

  @Test
  void mvmciDataDirWinsOverDataDirAsInTheNode() {
    Map<String, String> env = cluster();
    env.put("MVMCI_DATA_DIR", dir.resolve("winner").toString());
    NodeConfig c = loaded(entrypoint.run(env));
    assertThat(c.dataDir()).isEqualTo(dir.resolve("winner"));
    assertThat(dir.resolve("winner")).isDirectory();
    assertThat(data).doesNotExist();
  }

  @Test
  void anUnwritableDataDirectoryIsRefusedWithItsPath() throws IOException {
    Files.writeString(dir.resolve("a-file"), "");
    Map<String, String> env = cluster();
    env.put("DATA_DIR", dir.resolve("a-file/data").toString());
    Entrypoint.Run run = entrypoint.run(env);
    assertThat(run.exit()).isEqualTo(73);
    assertThat(run.stderr()).contains(dir.resolve("a-file/data").toString());
    assertThat(run.called("java")).isFalse();
  }

  @Test
  void nodesMayBeSeparatedByNewlinesAndIdsWithLeadingZerosMatch() {
    Map<String, String> env = cluster();
    env.put("NODES", "\n 1 10.0.0.1:9000 10.0.0.1:3020\n2 10.0.0.2:9000 10.0.0.2:3020 \n\n");
    env.put("NODE_ID", "02");
    NodeConfig c = loaded(entrypoint.run(env));
    assertThat(c.nodeId()).isEqualTo(2);
    assertThat(c.members()).hasSize(2);
  }

  @Test
  void secretsWithQuotesAndBackslashesSurviveTomlQuoting() {
    Map<String, String> env = cluster();
    String raft = "r\"a\\f't $HOME `x` \\u0041 #";
    String api = "a=p/i+s\\\\e\"c\"ret==";
    env.put("SECRET_RAFT", raft);
    env.put("SECRET_API", api);
    Entrypoint.Run run = entrypoint.run(env);

    NodeConfig c = loaded(run);
    assertThat(c.secretRaft()).contains(raft);
    assertThat(c.secretApi()).contains(api);
    assertNoSecret(run, raft, api);
  }

  @Test
  void secretsMayComeFromFilesAsDockerSecretsAre() throws IOException {
    Map<String, String> env = cluster();
    env.remove("SECRET_RAFT");
    env.remove("SECRET_API");
    Files.writeString(dir.resolve("raft"), RAFT + "\n");
    Files.writeString(dir.resolve("api"), API);
    env.put("SECRET_RAFT_FILE", dir.resolve("raft").toString());
    env.put("SECRET_API_FILE", dir.resolve("api").toString());
    Entrypoint.Run run = entrypoint.run(env);

    NodeConfig c = loaded(run);
    assertThat(c.secretRaft()).contains(RAFT);
    assertThat(c.secretApi()).contains(API);
    assertNoSecret(run, RAFT, API);
  }

  @Test
  void apiTokenAndExtraTomlReachTheirSections() {
    Map<String, String> env = cluster();
    env.put("API_TOKEN", "token-0123456789abcdef");
    env.put("MVMCI_EXTRA_TOML", "[raft]\nelection_timeout_min_ms = 700\nelection_timeout_max_ms = 1400\n"
        + "[jobs]\nlease_ms = 5000\n[workers]\nembedded = 0");
    Entrypoint.Run run = entrypoint.run(env);

    NodeConfig c = loaded(run);
    assertThat(c.apiToken()).contains("token-0123456789abcdef");
    assertThat(c.raft().electionTimeoutMinMs()).isEqualTo(700);
    assertThat(c.jobs().leaseMs()).isEqualTo(5000);
    assertThat(c.workers().embedded()).isZero();
    assertNoSecret(run, "token-0123456789abcdef");
  }

  @Test
  void javaOptsAndTheJarPathShapeTheDefaultCommand() {
    Map<String, String> env = cluster();
    env.put("JAVA_OPTS", "-Xmx300m  -XX:+UseSerialGC");
    env.put("MVMCI_JAR", "/somewhere/else.jar");
    Entrypoint.Run run = entrypoint.run(env);
    assertThat(run.args("java")).containsExactly("-Xmx300m", "-XX:+UseSerialGC", "-jar",
        "/somewhere/else.jar", "--config", data.resolve("node.toml").toString());

    env.put("MVMCI_JAVA_CMD", "java -cp /x:/y io.mvmci.Main");
    assertThat(entrypoint.run(env).args("java"))
        .as("MVMCI_JAVA_CMD replaces the whole launcher, JAVA_OPTS included")
        .containsExactly("-cp", "/x:/y", "io.mvmci.Main", "--config", data.resolve("node.toml").toString());
  }

  @Test
  void exampleSecretsAreUsedButWarnedAbout() {
    Map<String, String> env = cluster();
    env.put("SECRET_RAFT", "EXAMPLE-raft-secret-CHANGE-ME");
    Entrypoint.Run run = entrypoint.run(env);
    assertThat(run.exit()).isZero();
    assertThat(run.stderr()).contains("warning: SECRET_RAFT is an example value");
    assertThat(run.stderr()).doesNotContain("SECRET_API is an example");
  }

  @Test
  void aMountedFileIsUsedAsItIsAndNodeIdStillSelectsTheMember() throws IOException {
    Path mounted = dir.resolve("node.toml");
    Files.copy(Path.of("config/node1.toml"), mounted);
    Entrypoint.Run run = entrypoint.run(Map.of("MVMCI_CONFIG", mounted.toString(), "NODE_ID", "3",
        "DATA_DIR", data.toString()));

    assertThat(run.configFile()).isEqualTo(mounted);
    assertThat(run.env("java")).containsEntry("MVMCI_NODE_ID", "3");
    NodeConfig c = loaded(run);
    assertThat(c.nodeId()).isEqualTo(3);
    assertThat(c.dataDir()).isEqualTo(data);
    assertThat(Files.readString(mounted)).isEqualTo(Files.readString(Path.of("config/node1.toml")));
  }

  @Test
  void aFileAtTheMountPointIsFoundWithoutMvmciConfig() throws IOException {
    Path mounted = dir.resolve("etc-node.toml");
    Files.copy(Path.of("config/node2.toml"), mounted);
    Entrypoint.Run run = entrypoint.run(Map.of("MVMCI_CONFIG_MOUNT", mounted.toString()));
    assertThat(run.configFile()).isEqualTo(mounted);
    assertThat(loaded(run).nodeId()).isEqualTo(2);

    Entrypoint.Run none = entrypoint.run(Map.of("MVMCI_CONFIG_MOUNT", dir.resolve("absent.toml").toString(),
        "DATA_DIR", data.toString()));
    assertThat(none.configFile()).as("no file there: written from the environment")
        .isEqualTo(data.resolve("node.toml"));
  }

  static Stream<Arguments> refusals() {
    String k0 = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    return Stream.of(
        Arguments.of("NODES without NODE_ID", Map.of("NODE_ID", ""), "NODE_ID"),
        Arguments.of("NODE_ID not among NODES", Map.of("NODE_ID", "4"), "NODE_ID"),
        Arguments.of("NODE_ID not a number", Map.of("NODE_ID", "two"), "NODE_ID"),
        Arguments.of("NODE_ID and MVMCI_NODE_ID disagree", Map.of("MVMCI_NODE_ID", "3"), "MVMCI_NODE_ID"),
        Arguments.of("short SECRET_RAFT", Map.of("SECRET_RAFT", "short-secret"), "SECRET_RAFT"),
        Arguments.of("missing SECRET_RAFT", Map.of("SECRET_RAFT", ""), "SECRET_RAFT"),
        Arguments.of("missing SECRET_API", Map.of("SECRET_API", ""), "SECRET_API"),
        Arguments.of("SECRET_API equal to SECRET_RAFT", Map.of("SECRET_API", RAFT), "SECRET_API"),
        Arguments.of("secret on two lines", Map.of("SECRET_API", "api-secret-01234\n56789"), "SECRET_API"),
        Arguments.of("secret and secret file", Map.of("SECRET_RAFT_FILE", "/etc/hostname"), "SECRET_RAFT_FILE"),
        Arguments.of("missing secret file", Map.of("SECRET_RAFT", "", "SECRET_RAFT_FILE", "/no/such/file"),
            "SECRET_RAFT_FILE"),
        Arguments.of("HTTP_PORT against NODES", Map.of("HTTP_PORT", "3021"), "HTTP_PORT"),
        Arguments.of("RAFT_PORT against NODES", Map.of("RAFT_PORT", "9002"), "RAFT_PORT"),
        Arguments.of("HTTP_PORT not a port", Map.of("HTTP_PORT", "70000"), "HTTP_PORT"),
        Arguments.of("entry with two parts", Map.of("NODES", "1 a:1 a:2, 2 b:1"), "NODES"),
        Arguments.of("entry without a port", Map.of("NODES", "1 a:1 a:2, 2 b b:2"), "NODES"),
        Arguments.of("duplicate id", Map.of("NODES", "1 a:1 a:2, 2 b:1 b:2, 2 c:1 c:2"), "NODES"),
        Arguments.of("NODES of commas only", Map.of("NODES", " , ,"), "NODES"),
        Arguments.of("ENC_KEYS without ENC_KEY_ACTIVE", Map.of("ENC_KEYS", KEY), "ENC_KEY_ACTIVE"),
        Arguments.of("ENC_KEY_ACTIVE without ENC_KEYS", Map.of("ENC_KEY_ACTIVE", "k1"), "ENC_KEY_ACTIVE"),
        Arguments.of("ENC_KEY_ACTIVE not in ENC_KEYS", Map.of("ENC_KEYS", KEY, "ENC_KEY_ACTIVE", "k9"),
            "ENC_KEY_ACTIVE"),
        Arguments.of("key without id", Map.of("ENC_KEYS", k0, "ENC_KEY_ACTIVE", "k1"), "ENC_KEYS"),
        Arguments.of("short API_TOKEN", Map.of("API_TOKEN", "tok-123"), "API_TOKEN"),
        Arguments.of("MVMCI_CONFIG naming no file", Map.of("MVMCI_CONFIG", "/no/such/node.toml"), "MVMCI_CONFIG"),
        Arguments.of("mounted file and NODES", Map.of("MVMCI_CONFIG", "config/node1.toml"), "NODES"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void contradictionsStopItNamingTheVariable(String why, Map<String, String> change, String variable) {
    Map<String, String> env = cluster();
    env.putAll(change);
    env.values().removeIf(String::isEmpty);
    if (env.containsKey("MVMCI_CONFIG") && env.get("MVMCI_CONFIG").startsWith("config/")) {
      env.put("MVMCI_CONFIG", Path.of(env.get("MVMCI_CONFIG")).toAbsolutePath().toString());
    }
    Entrypoint.Run run = entrypoint.run(env);

    assertRefused(run, variable, RAFT, API, KEY.substring(3), "short-secret", "api-secret-01234", "tok-123");
    assertThat(run.stderr()).startsWith("invalid configuration (environment): ");
    assertThat(run.stderr().lines().count()).as("one line: %s", run.stderr()).isEqualTo(1);
    assertThat(data.resolve("node.toml")).as("nothing written").doesNotExist();
  }

  @Test
  void aSecretIsShownOnlyByItsLength() {
    Map<String, String> env = cluster();
    env.put("SECRET_RAFT", "short-secret");
    Entrypoint.Run run = entrypoint.run(env);
    assertThat(run.stderr()).contains("SECRET_RAFT = <redacted, 12 chars>");
  }

  @Test
  void aWorkerGetsTheControlPlaneFromTheEnvironment() {
    Entrypoint.Run run = entrypoint.run(Map.of("CONTROL_PLANE", "http://node1:3020,http://node2:3020",
        "DATA_DIR", data.toString()), "worker", "--threads", "2");
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.args("java")).containsExactly("-jar", "/opt/mvm-ci/mvm-ci.jar", "worker",
        "--control-plane", "http://node1:3020,http://node2:3020", "--threads", "2");
    assertThat(data).isDirectory();
  }

  @Test
  void aWorkerWithATicketReadsItFromTheEnvironmentNeverFromItsArguments() {
    String ticket = "ticket-that-is-a-secret-0123456789";
    Entrypoint.Run run = entrypoint.run(Map.of("CONTROL_PLANE_TICKET", ticket, "DATA_DIR", data.toString()),
        "worker");
    assertThat(run.args("java")).containsExactly("-jar", "/opt/mvm-ci/mvm-ci.jar", "worker");
    assertThat(run.env("java")).containsEntry("CONTROL_PLANE_TICKET", ticket);
    assertNoSecret(run, ticket);
  }

  @Test
  void aWorkerWithoutControlPlaneOrTicketIsRefused() {
    assertRefused(entrypoint.run(Map.of("DATA_DIR", data.toString()), "worker"), "CONTROL_PLANE");
    String ticket = "ticket-that-is-a-secret-0123456789";
    assertRefused(entrypoint.run(Map.of("CONTROL_PLANE", "http://a:1", "CONTROL_PLANE_TICKET", ticket,
        "DATA_DIR", data.toString()), "worker"), "CONTROL_PLANE_TICKET", ticket);
  }

  @Test
  void anyOtherCommandIsRunAsItIs() {
    Entrypoint.Run run = entrypoint.run(Map.of(), "sh", "-c", "echo hello from $0", "inside");
    assertThat(run.exit()).isZero();
    assertThat(run.stdout()).isEqualTo("hello from inside\n");
    assertThat(run.called("java")).isFalse();
  }

  @Test
  void healthAsksThisNodesHttpPortOnLoopback() {
    Map<String, String> env = cluster();
    assertThat(entrypoint.run(env, "health").args("curl"))
        .as("port from this node's entry in NODES").contains("http://127.0.0.1:3020/actuator/health");
    assertThat(entrypoint.run(Map.of("HTTP_PORT", "3999"), "health").args("curl"))
        .contains("http://127.0.0.1:3999/actuator/health");
    assertThat(entrypoint.run(Map.of(), "health").args("curl"))
        .contains("http://127.0.0.1:3020/actuator/health");
    assertThat(entrypoint.run(Map.of("LISTEN_ADDR_API", "::1"), "health").args("curl"))
        .contains("http://[::1]:3020/actuator/health");
    assertThat(entrypoint.run(Map.of("LISTEN_ADDR_API", "10.1.2.3", "HTTP_PORT", "80"), "health").args("curl"))
        .contains("http://10.1.2.3:80/actuator/health");
    assertThat(data.resolve("node.toml")).as("health writes nothing").doesNotExist();
  }

  @Test
  void startedAsRootWithMvmciUserItHandsTheDataDirectoryOverAndDropsToThatUser() throws Exception {
    assumeThat(uid()).as("runs as root").isEqualTo(0);
    assumeThat(Path.of("/usr/bin/setpriv")).exists();
    int nobody = uid("nobody");
    Process reach = new ProcessBuilder("setpriv", "--reuid=" + nobody, "--regid=" + nobody, "--clear-groups",
        "test", "-x", Entrypoint.SCRIPT.toString()).start();
    assumeThat(reach.waitFor()).as("nobody can run the script where this checkout is").isZero();
    // nobody must reach the stubs and this directory.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir.resolve("calls"), PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.createDirectories(data.resolve("raft"));
    Files.writeString(data.resolve("raft/old-file"), "left by a root run");

    Map<String, String> env = cluster();
    env.put("MVMCI_USER", "nobody");
    Entrypoint.Run run = entrypoint.run(env);

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.uid("java")).isEqualTo(nobody);
    for (Path p : List.of(data, data.resolve("raft"), data.resolve("raft/old-file"), data.resolve("node.toml"))) {
      assertThat((Integer) Files.getAttribute(p, "unix:uid")).as("owner of %s", p).isEqualTo(nobody);
    }
    assertThat(loaded(run).nodeId()).isEqualTo(2);
  }

  private static int uid(String... user) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("id", "-u"));
    command.addAll(List.of(user));
    Process p = new ProcessBuilder(command).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    p.waitFor();
    return Integer.parseInt(out);
  }
}
