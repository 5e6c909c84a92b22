package io.mvmci.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.mvmci.config.ConfigLoader;
import io.mvmci.config.Member;
import io.mvmci.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml checked without a Docker engine: its shape (three nodes on host ports
 * 3020-3022, a volume each, health checks, a scalable worker), that the nodes agree on members
 * and secrets, and that the environment each service gets, over the image's defaults file, is a
 * configuration the node accepts. {@code docker compose config -q} runs too where a compose
 * binary is installed.
 */
class ComposeFileTest {
  static final List<String> NODES = List.of("node1", "node2", "node3");

  final ComposeFile compose = new ComposeFile(Map.of());
  @TempDir Path dir;

  @Test
  void threeNodesPublishHttpOnHostPorts3020To3022OfTheHostsLoopback() {
    assertThat(compose.serviceNames()).containsExactlyInAnyOrder("node1", "node2", "node3", "worker");
    for (int i = 0; i < 3; i++) {
      Map<String, Object> node = compose.service(NODES.get(i));
      List<Object> ports = ComposeFile.list(node, "ports");
      assertThat(ports).as("%s ports", NODES.get(i)).hasSize(1);
      String[] mapping = String.valueOf(ports.get(0)).split(":");
      assertThat(mapping).hasSize(3);
      assertThat(mapping[0]).as("published on the host's loopback unless MVMCI_PUBLISH_ADDR says otherwise")
          .isEqualTo("127.0.0.1");
      assertThat(Integer.parseInt(mapping[1])).isEqualTo(3020 + i);
      int containerPort = Integer.parseInt(mapping[2]);
      Member self = member(NODES.get(i));
      assertThat(containerPort).as("published port is this node's http port in NODES").isEqualTo(self.http().port());
    }
  }

  @Test
  void eachNodeKeepsItsDataInItsOwnNamedVolume() {
    Set<String> seen = new HashSet<>();
    Map<String, Object> declared = ComposeFile.map(compose.root, "volumes");
    for (String name : NODES) {
      List<Object> volumes = ComposeFile.list(compose.service(name), "volumes");
      assertThat(volumes).hasSize(1);
      String[] v = String.valueOf(volumes.get(0)).split(":");
      assertThat(v[1]).isEqualTo("/data");
      assertThat(declared).as("named volume %s declared", v[0]).containsKey(v[0]);
      assertThat(seen.add(v[0])).as("volume %s used once", v[0]).isTrue();
    }
  }

  @Test
  void nodesHaveHealthChecksRestartPoliciesAndNoFixedContainerNames() {
    for (String name : NODES) {
      Map<String, Object> node = compose.service(name);
      Map<String, Object> health = ComposeFile.map(node, "healthcheck");
      assertThat(ComposeFile.list(health, "test")).containsExactly("CMD", "docker-entrypoint.sh", "health");
      assertThat(health).containsKeys("interval", "timeout", "retries", "start_period");
      assertThat(node.get("restart")).isIn("unless-stopped", "always", "on-failure");
      assertThat(node).doesNotContainKey("container_name");
      assertThat(node.get("hostname")).isEqualTo(name);
      Map<String, Object> build = ComposeFile.map(node, "build");
      assertThat(Path.of(String.valueOf(build.get("context")), String.valueOf(build.get("dockerfile"))))
          .isRegularFile();
    }
  }

  @Test
  void nodesAgreeOnMembersAndSecretsAndEachIsOneOfTheMembers() {
    Map<String, String> first = compose.environment("node1");
    Set<String> ids = new HashSet<>();
    for (String name : NODES) {
      Map<String, String> env = compose.environment(name);
      for (String shared : List.of("NODES", "SECRET_RAFT", "SECRET_API", "ENC_KEYS", "ENC_KEY_ACTIVE")) {
        assertThat(env.get(shared)).as("%s of %s", shared, name).isNotBlank().isEqualTo(first.get(shared));
      }
      assertThat(ids.add(env.get("NODE_ID"))).as("NODE_ID of %s unique", name).isTrue();
      Member self = member(name);
      assertThat(self.raft().host()).as("the service name is the address peers dial").isEqualTo(name);
      assertThat(self.http().host()).isEqualTo(name);
    }
    assertThat(first.get("SECRET_RAFT")).as("example values say so").contains("EXAMPLE");
  }

  @Test
  void theWorkerScalesAndPointsAtEveryNode() {
    Map<String, Object> worker = compose.service("worker");
    assertThat(ComposeFile.list(worker, "command")).first().isEqualTo("worker");
    assertThat(worker).as("a fixed host port or name would stop --scale").doesNotContainKeys("ports", "container_name");
    assertThat(ComposeFile.map(worker, "depends_on")).containsOnlyKeys(NODES);
    assertThat(ComposeFile.map(worker, "healthcheck")).containsEntry("disable", true);
    Map<String, String> env = compose.environment("worker");
    List<String> expected = new ArrayList<>();
    for (String name : NODES) {
      expected.add("http://" + member(name).http());
    }
    assertThat(env.get("CONTROL_PLANE").split(",")).containsExactlyElementsOf(expected);
    assertThat(env.get("SECRET_API")).isEqualTo(compose.environment("node1").get("SECRET_API"));
  }

  @Test
  void everyInterpolatedVariableIsDocumentedInEnvExample() throws IOException {
    String example = Files.readString(Path.of(".env.example"));
    assertThat(compose.variables).isNotEmpty();
    for (String v : compose.variables) {
      assertThat(example).as(".env.example names %s", v).containsPattern("(?m)^" + v + "=");
    }
  }

  @Test
  void valuesFromDotEnvReplaceTheExamples() {
    Map<String, String> env = Map.of("SECRET_RAFT", "my-own-raft-secret-0123", "SECRET_API", "my-own-api-secret-0123");
    ComposeFile withDotEnv = new ComposeFile(env);
    for (String name : List.of("node1", "node2", "node3", "worker")) {
      assertThat(withDotEnv.environment(name).get("SECRET_API")).isEqualTo("my-own-api-secret-0123");
    }
    assertThat(withDotEnv.environment("node2").get("SECRET_RAFT")).isEqualTo("my-own-raft-secret-0123");
  }

  /** Each node's environment over the image's defaults file is a valid, agreeing configuration. */
  @Test
  void eachNodesEnvironmentOverTheImagesFileIsAConfigurationTheNodeAccepts() throws IOException {
    List<NodeConfig> configs = new ArrayList<>();
    for (String name : NODES) {
      Map<String, String> env = compose.environment(name);
      NodeConfig c = ConfigLoader.parse(DockerfileTest.imageConfig(), DockerfileTest.IMAGE_CONFIG, env);
      assertThat(c.nodeId()).isEqualTo(Integer.parseInt(env.get("NODE_ID")));
      assertThat(c.httpBind().host()).isEqualTo("0.0.0.0");
      assertThat(c.dataDir()).isEqualTo(Path.of("/data"));
      configs.add(c);
    }
    for (NodeConfig c : configs) {
      assertThat(c.members()).isEqualTo(configs.get(0).members());
      assertThat(c.secretRaft()).isEqualTo(configs.get(0).secretRaft());
    }

    List<Object> command = ComposeFile.list(compose.service("worker"), "command");
    Entrypoint.Run worker = new Entrypoint(dir.resolve("run-worker"))
        .run(compose.environment("worker"), command.stream().map(String::valueOf).toArray(String[]::new));
    assertThat(worker.exit()).as(worker.output()).isZero();
    assertThat(worker.args("java")).containsSubsequence("worker", "--control-plane");
  }

  /** {@code docker compose config -q} (or v1's {@code docker-compose}) needs no engine for this. */
  @Test
  void composeItselfAcceptsTheFile() throws Exception {
    List<String> command = composeCommand();
    assumeThat(command).as("a docker compose or docker-compose binary").isNotNull();
    List<String> full = new ArrayList<>(command);
    full.addAll(List.of("-f", ComposeFile.FILE.toString(), "config", "-q"));
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", full, out).isZero();
  }

  static List<String> composeCommand() {
    for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
      List<String> version = new ArrayList<>(candidate);
      version.add("version");
      try {
        Process p = new ProcessBuilder(version).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
        p.destroyForcibly();
      } catch (IOException e) {
        // not installed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  /** The service's own member, from its environment alone. */
  private Member member(String service) {
    return ConfigLoader.load(Optional.empty(), compose.environment(service)).self();
  }
}
