package io.mvmci;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.FreePorts;
import io.mvmci.testing.NodeProcess;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.context.ApplicationContextException;

/**
 * A node that cannot start says why in one line on stderr and exits non-zero, as a real process
 * started the way the jar starts one; and help starts nothing, in a fresh working directory.
 */
class StartupFailureTest {
  @TempDir Path dir;
  final int raft = FreePorts.next();
  final int http = FreePorts.next();

  record Exit(int status, List<String> out, List<String> err) {}

  Exit mvmci(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1"));
    cmd.addAll(NodeProcess.mainClassOptions());
    cmd.add("io.mvmci.Main");
    cmd.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MVMCI_") || k.equals("HTTP_PORT") || k.equals("DATA_DIR"));
    Process p = pb.start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("still running after 90 s: " + Files.readString(out) + Files.readString(err));
    }
    return new Exit(p.exitValue(), Files.readAllLines(out), Files.readAllLines(err));
  }

  Path config(Path dataDir) throws IOException {
    return Files.writeString(dir.resolve("node.toml"), """
        [node]
        node_id = 1
        data_dir = "%s"
        nodes = ["1 127.0.0.1:%d 127.0.0.1:%d"]
        """.formatted(dataDir, raft, http));
  }

  static ServerSocket hold(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return s;
  }

  @Test
  void aTakenHttpPortIsOneLineOnStderrAndAFailedExit() throws Exception {
    Path data = dir.resolve("data");
    try (ServerSocket taken = hold(http)) {
      Exit e = mvmci("--config", config(data).toString());
      assertThat(e.status()).as("%s", e).isEqualTo(1);
      assertThat(e.err()).singleElement().asString().isEqualTo("port " + http + " on 127.0.0.1 is in use "
          + "(HTTP: listen_addr_api, this node's http port in node.nodes, or HTTP_PORT); stop the other process "
          + "or choose another port");
      assertThat(e.out()).as("nothing started, nothing logged").isEmpty();
      assertThat(data).as("nothing written").doesNotExist();
    }
  }

  @Test
  void aTakenRaftPortToo() throws Exception {
    try (ServerSocket taken = hold(raft)) {
      Exit e = mvmci("node", "--config", config(dir.resolve("data")).toString());
      assertThat(e.status()).as("%s", e).isEqualTo(1);
      assertThat(e.err()).singleElement().asString().startsWith("port " + raft + " on 127.0.0.1 is in use (Raft");
      assertThat(e.out()).isEmpty();
    }
  }

  @Test
  void aDataDirectoryThatCannotBeCreatedIsOneLineAndStatus73() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    Exit e = mvmci("--config", config(file.resolve("data")).toString());
    assertThat(e.status()).as("%s", e).isEqualTo(73);
    assertThat(e.err()).singleElement().asString()
        .isEqualTo("cannot write the data directory " + file.resolve("data") + ": Not a directory");
    assertThat(e.out()).isEmpty();
  }

  /**
   * A second node on the data directory of a running one (finding 6 of the independent test run: a
   * node that could not open its data directory must exit non-zero with one clear line).
   */
  @Test
  void aDataDirectoryInUseByAnotherNodeIsOneLineAndStatus73() throws Exception {
    Path data = dir.resolve("shared");
    Path first = dir.resolve("first.toml");
    int firstRaft = FreePorts.next();
    int firstHttp = FreePorts.next();
    Files.writeString(first, """
        [node]
        node_id = 1
        data_dir = "%s"
        nodes = ["1 127.0.0.1:%d 127.0.0.1:%d"]
        [workers]
        embedded = 0
        """.formatted(data, firstRaft, firstHttp));
    try (NodeProcess running = NodeProcess.start(first, dir.resolve("first.log"), java.util.Map.of())) {
      running.awaitReady(java.time.Duration.ofSeconds(120));
      Exit e = mvmci("--config", config(data).toString());
      assertThat(e.status()).as("%s", e).isEqualTo(73);
      assertThat(e.err()).singleElement().asString()
          .startsWith("the Raft storage " + data.resolve("raft"))
          .contains("is locked by another process: another node runs on this data directory");
      assertThat(running.isUp()).as("the running node is untouched").isTrue();
    }
  }

  /** Raft failing to start: its storage holds a file where Ratis writes a directory's entries. */
  @Test
  void raftStorageItCannotWriteIsOneLineAndStatus73() throws Exception {
    Path data = dir.resolve("data");
    Path group = data.resolve("raft").resolve(java.util.UUID.nameUUIDFromBytes(
        "mvm-ci/queue".getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString());
    Files.createDirectories(group);
    Files.writeString(group.resolve("current"), "a file where Raft keeps a directory");
    Exit e = mvmci("--config", config(data).toString());
    assertThat(e.status()).as("%s", e).isEqualTo(73);
    assertThat(e.err()).singleElement().asString()
        .startsWith("cannot use " + group.resolve("current"))
        .endsWith(": Not a directory; check the data directory (data_dir)");
  }

  /**
   * A failure no rule names (a Spring property that does not convert, failing the web server's start
   * after Raft has started) still ends the process with one line and status 1, not a stack trace.
   */
  @Test
  void anyOtherStartFailureIsOneLineAndStatus1() throws Exception {
    Exit e = mvmci("--config", config(dir.resolve("data")).toString(), "--server.tomcat.threads.max=many");
    assertThat(e.status()).as("%s", e).isEqualTo(1);
    assertThat(e.err()).singleElement().asString()
        .startsWith("the node did not start: java.lang.NumberFormatException: For input string: \"many\"")
        .endsWith("(the log has the stack trace)");
  }

  @Test
  void aDatabaseThatIsNotOneIsOneLineAndStatus65() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve("db"));
    Files.writeString(data.resolve("db").resolve("queue.sqlite"), "not a database ".repeat(100));
    Exit e = mvmci("--config", config(data).toString());
    assertThat(e.status()).as("%s", e).isEqualTo(65);
    assertThat(e.err()).singleElement().asString()
        .startsWith("cannot open the queue database " + data.resolve("db").resolve("queue.sqlite"))
        .contains("not a database").endsWith("to have the node rebuild it from the cluster");
  }

  @Test
  void helpInAFreshDirectoryPrintsUsageAndWritesNothing() throws Exception {
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"worker", "--help"})) {
      Exit e = mvmci(args);
      assertThat(e.status()).as("%s", e).isZero();
      assertThat(e.out()).first().asString().startsWith("Usage: mvm-ci");
      assertThat(e.err()).isEmpty();
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("out.txt", "err.txt");
    }
  }

  /** A failure Spring meets after the checks passed (a port taken meanwhile) gets the same one line. */
  @Test
  void failuresInsideSpringAreRecognisedThroughTheirCauses() {
    var http = new ApplicationContextException("Failed to start bean", new PortInUseException(3020));
    assertThat(StartupFailure.of(http)).get().satisfies(f -> {
      assertThat(f.getMessage()).startsWith("port 3020 is in use (HTTP: listen_addr_api");
      assertThat(f.exitCode()).isEqualTo(1);
    });
    var raft = new IllegalStateException("Error creating bean with name 'raftNode'",
        new IOException("cannot listen for Raft on 127.0.0.1:9000 (...): Address already in use",
            new BindException("Address already in use")));
    assertThat(StartupFailure.of(raft)).get().extracting(Throwable::getMessage)
        .isEqualTo("cannot listen for Raft on 127.0.0.1:9000 (...): Address already in use");
    var denied = new IllegalStateException(new AccessDeniedException("/var/lib/mvm-ci/secret_api"));
    assertThat(StartupFailure.of(denied)).get().extracting(Throwable::getMessage)
        .isEqualTo("cannot access /var/lib/mvm-ci/secret_api: Permission denied");
    assertThat(StartupFailure.of(new IllegalStateException("a bug"))).isEmpty();
    var full = new IllegalStateException("Error creating bean with name 'workflowEngine'",
        new RuntimeException("cannot open journal /d/journal.sqlite (is another process using it?): [SQLITE_FULL] x",
            new org.sqlite.SQLiteException("[SQLITE_FULL] x", org.sqlite.SQLiteErrorCode.SQLITE_FULL)));
    assertThat(StartupFailure.of(full)).get().satisfies(f -> {
      assertThat(f.getMessage()).isEqualTo("cannot open journal /d/journal.sqlite (is another process using it?):"
          + " [SQLITE_FULL] x; free space in the data directory or make it writable");
      assertThat(f.exitCode()).isEqualTo(73);
    });

    StartupFailureReporter reporter = new StartupFailureReporter();
    assertThat(reporter.reportException(http)).as("Spring prints no banner for it").isTrue();
    assertThat(reporter.reportException(new IllegalStateException("a bug"))).as("a bug keeps its trace").isFalse();
  }
}
