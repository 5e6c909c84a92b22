package io.mvmci.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.mvmci.config.ConfigLoader;
import io.mvmci.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-entrypoint.sh as a plain script, with {@code java} and {@code curl} stubbed: a launcher
 * that picks the mode, drops root and execs Java with the environment untouched. Every rule about
 * the configuration is the node's (io.mvmci.config tests); here only that the script leaves them
 * to it: it checks nothing, prints nothing and writes nothing.
 */
class EntrypointTest {
  static final String JAR = "/opt/mvm-ci/mvm-ci.jar";
  static final int MAX_LINES = 80;

  @TempDir Path dir;
  Path data;
  Entrypoint entrypoint;

  @BeforeEach
  void setUp() {
    data = dir.resolve("data");
    entrypoint = new Entrypoint(dir.resolve("run"));
  }

  static Map<String, String> cluster() {
    Map<String, String> env = new HashMap<>();
    env.put("NODES", "1 node1:9000 node1:3020, 2 node2:9000 node2:3020, 3 node3:9000 node3:3020");
    env.put("NODE_ID", "2");
    env.put("SECRET_RAFT", "raft-secret-0123456789");
    env.put("SECRET_API", "api-secret-0123456789");
    return env;
  }

  @Test
  void itIsALauncherOfAtMost80LinesThatWritesNoConfiguration() throws IOException {
    List<String> lines = Files.readAllLines(Entrypoint.SCRIPT);
    assertThat(lines).as("docker-entrypoint.sh lines").hasSizeLessThanOrEqualTo(MAX_LINES);
    assertThat(lines.get(0)).isEqualTo("#!/bin/sh");
    assertThat(lines).contains("set -eu");
    List<String> code = lines.stream().filter(l -> !l.strip().startsWith("#")).toList();
    assertThat(String.join("\n", code)).as("the script writes no TOML").doesNotContainIgnoringCase("toml");
  }

  @Test
  void theNodeIsTheDefaultAndGetsItsArgumentsAndEnvironmentAsTheyAre() throws IOException {
    Map<String, String> env = cluster();
    Entrypoint.Run run = entrypoint.run(env, "--extra", "arg with space");

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.args("java")).containsExactly("-jar", JAR, "--extra", "arg with space");
    assertThat(run.env("java")).containsAllEntriesOf(env);
    assertThat(run.output()).as("it prints nothing, so it can show no secret").isEmpty();
    try (var files = Files.list(dir.resolve("run"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("bin", "calls", "out.txt",
          "err.txt");
    }
    NodeConfig c = ConfigLoader.load(Optional.empty(), run.env("java"));
    assertThat(c.nodeId()).as("the environment Java got is the whole configuration").isEqualTo(2);

    assertThat(entrypoint.run(env, "node", "--x").args("java")).containsExactly("-jar", JAR, "--x");
  }

  @Test
  void bashRunsItTheSameAsTheImagesPosixSh() {
    Entrypoint bash = new Entrypoint(dir.resolve("bash"), List.of("bash"));
    assertThat(bash.run(cluster(), "node", "--x").args("java")).containsExactly("-jar", JAR, "--x");
    assertThat(bash.run(Map.of("CONTROL_PLANE", "http://a:1"), "worker").args("java"))
        .containsExactly("-jar", JAR, "worker", "--control-plane", "http://a:1");
  }

  @Test
  void aWorkerGetsControlPlaneAsItsFlagAndItsTicketOnlyInTheEnvironment() {
    Entrypoint.Run run = entrypoint.run(Map.of("CONTROL_PLANE", "http://node1:3020,http://node2:3020"),
        "worker", "--capacity", "2");
    assertThat(run.args("java")).containsExactly("-jar", JAR, "worker",
        "--control-plane", "http://node1:3020,http://node2:3020", "--capacity", "2");

    String ticket = "ticket-that-is-a-secret-0123456789";
    Entrypoint.Run withTicket = entrypoint.run(Map.of("CONTROL_PLANE_TICKET", ticket), "worker");
    assertThat(withTicket.args("java")).containsExactly("-jar", JAR, "worker");
    assertThat(withTicket.env("java")).containsEntry("CONTROL_PLANE_TICKET", ticket);
  }

  @Test
  void backupRestoreAndAnythingElseGoToTheJarAsTheyAre() {
    assertThat(entrypoint.run(Map.of(), "backup", "--out", "/data/b").args("java"))
        .containsExactly("-jar", JAR, "backup", "--out", "/data/b");
    assertThat(entrypoint.run(Map.of(), "restore", "--backup", "/data/b").args("java"))
        .containsExactly("-jar", JAR, "restore", "--backup", "/data/b");
    assertThat(entrypoint.run(Map.of(), "sh", "-c", "echo $0").args("java"))
        .containsExactly("-jar", JAR, "sh", "-c", "echo $0");
    assertThat(entrypoint.run(Map.of()).args("java")).containsExactly("-jar", JAR);
  }

  @Test
  void javaOptsAndTheJarPathShapeTheDefaultCommandAndMvmciJavaCmdReplacesIt() {
    Map<String, String> env = new HashMap<>(Map.of("JAVA_OPTS", "-Xmx300m  -XX:+UseSerialGC", "MVMCI_JAR", "/x.jar"));
    assertThat(entrypoint.run(env, "--a").args("java"))
        .containsExactly("-Xmx300m", "-XX:+UseSerialGC", "-jar", "/x.jar", "--a");

    env.put("MVMCI_JAVA_CMD", "java -cp /x:/y io.mvmci.Main");
    assertThat(entrypoint.run(env, "--a").args("java"))
        .as("MVMCI_JAVA_CMD replaces the whole launcher, JAVA_OPTS included")
        .containsExactly("-cp", "/x:/y", "io.mvmci.Main", "--a");
  }

  @Test
  void healthAsksHttpPortOnLoopbackOrTheGivenUrl() {
    assertThat(entrypoint.run(Map.of(), "health").args("curl")).last()
        .isEqualTo("http://127.0.0.1:3020/actuator/health");
    assertThat(entrypoint.run(Map.of("HTTP_PORT", "3999"), "health").args("curl")).last()
        .isEqualTo("http://127.0.0.1:3999/actuator/health");
    assertThat(entrypoint.run(Map.of("MVMCI_HEALTH_URL", "http://10.1.2.3:80/actuator/health"), "health")
        .args("curl")).last().isEqualTo("http://10.1.2.3:80/actuator/health");
    assertThat(entrypoint.run(Map.of("MVMCI_USER", "nobody"), "health").called("java")).isFalse();
  }

  @Test
  void startedAsRootWithMvmciUserItGivesTheVolumeToThatUserAndRunsJavaAsThem() throws Exception {
    int nobody = canSwitchTo("nobody");
    Files.createDirectories(data.resolve("raft"));
    Files.writeString(data.resolve("raft/old-file"), "left by a root run");

    Map<String, String> env = cluster();
    env.put("MVMCI_USER", "nobody");
    env.put("MVMCI_VOLUME", data.toString());
    Entrypoint.Run run = entrypoint.run(env, "--x");

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.uid("java")).isEqualTo(nobody);
    assertThat(run.args("java")).containsExactly("-jar", JAR, "--x");
    assertThat(run.env("java")).containsAllEntriesOf(cluster());
    for (Path p : List.of(data, data.resolve("raft"), data.resolve("raft/old-file"))) {
      assertThat((Integer) Files.getAttribute(p, "unix:uid")).as("owner of %s", p).isEqualTo(nobody);
    }
  }

  @Test
  void startedAsAnotherUserItChangesNoOwnership() throws Exception {
    int nobody = canSwitchTo("nobody");
    Files.createDirectories(data);
    Entrypoint asNobody = new Entrypoint(dir.resolve("run"),
        List.of("setpriv", "--reuid=" + nobody, "--regid=" + nobody, "--clear-groups"));

    Entrypoint.Run run = asNobody.run(Map.of("MVMCI_USER", "daemon", "MVMCI_VOLUME", data.toString()));

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.uid("java")).isEqualTo(nobody);
    assertThat((Integer) Files.getAttribute(data, "unix:uid")).isZero();
  }

  @Test
  void aVolumeThatCannotBeGivenAwayIsExit73() throws Exception {
    canSwitchTo("nobody");
    Path file = Files.writeString(dir.resolve("a-file"), "");
    Entrypoint.Run run = entrypoint.run(Map.of("MVMCI_USER", "nobody", "MVMCI_VOLUME", file.resolve("data").toString()));
    assertThat(run.exit()).isEqualTo(73);
    assertThat(run.stderr()).contains(file.resolve("data").toString()).contains("nobody");
    assertThat(run.called("java")).isFalse();
  }

  /** Skips unless this runs as root with setpriv; makes the stubs reachable for {@code user}. */
  private int canSwitchTo(String user) throws Exception {
    assumeThat(uid()).as("runs as root").isEqualTo(0);
    assumeThat(Path.of("/usr/bin/setpriv")).exists();
    int id = uid(user);
    Process reach = new ProcessBuilder("setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups",
        "test", "-x", Entrypoint.SCRIPT.toString()).start();
    assumeThat(reach.waitFor()).as("%s can run the script where this checkout is", user).isZero();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir.resolve("run"), PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(dir.resolve("run/calls"), PosixFilePermissions.fromString("rwxrwxrwx"));
    return id;
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
