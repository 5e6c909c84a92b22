package io.mvmci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mvm-ci}'s command line, parsed in this JVM: help on every level starts nothing, unknown
 * options and commands are errors that name what was wrong, and nothing is written meanwhile (the
 * data directory is pointed at a temporary path that must stay absent).
 */
class CommandLineTest {
  @TempDir Path dir;

  record Run(int status, String out, String err) {}

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = Map.of("MVMCI_DATA_DIR", dataDir().toString(),
        "MVMCI_WORKER_DATA_DIR", dataDir().toString());
    int status = MvmCiCommand.execute(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }

  Path dataDir() {
    return dir.resolve("data");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--help                 | Usage: mvm-ci [",
      "-h                     | Usage: mvm-ci [",
      "node --help            | Usage: mvm-ci node [",
      "worker --help          | Usage: mvm-ci worker [",
      "worker -h              | --control-plane=URL[,URL...]",
      "backup --help          | Usage: mvm-ci backup [",
      "restore --help         | Usage: mvm-ci restore [",
      "help worker            | Usage: mvm-ci worker [",
      "--config x.toml --help | Usage: mvm-ci [",
      "worker --ticket x -h   | Usage: mvm-ci worker ["})
  void helpOnEveryLevelPrintsUsageAndStartsNothing(String args, String usage) {
    Run r = run(args.split(" "));
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains(usage);
    assertThat(r.err()).isEmpty();
    assertThat(dataDir()).as("nothing written").doesNotExist();
  }

  @Test
  void theTopLevelHelpListsEveryCommand() {
    assertThat(run("--help").out()).contains("node", "worker", "backup", "restore", "--config=FILE",
        "MVMCI_CONFIG", "--name.of.property=value");
  }

  @Test
  void versionPrintsTheVersion() {
    Run r = run("--version");
    assertThat(r.status()).isZero();
    assertThat(r.out()).startsWith("mvm-ci ");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--frob                                            | mvm-ci: Unknown option: '--frob'          | 2",
      "--config=a.toml --frob=1                          | mvm-ci: Unknown option: '--frob=1'        | 2",
      "node --frob                                       | mvm-ci node: Unknown option: '--frob'     | 2",
      "worker --control-plane h:1 --token t --frob       | mvm-ci worker: Unknown option: '--frob'   | 2",
      "backup --out f --frob                             | mvm-ci backup: Unknown option: '--frob'   | 64",
      "restore --backup f --frob                         | mvm-ci restore: Unknown option: '--frob'  | 64",
      "wrker                                             | Did you mean: mvm-ci worker               | 2",
      "--config a.toml --config b.toml                   | option '--config' (FILE) should be specified only once | 2",
      "worker --capacity                                 | Missing required parameter for option '--capacity' | 2",
      "worker                                            | no control plane                           | 2",
      "worker --control-plane h:1 --token t --capacity 0 | --capacity must be an integer from 1 to 4096 | 2",
      "backup                                            | Missing required option: '--out=FILE'     | 64"})
  void aWrongOrUnknownOptionIsAnErrorThatNamesIt(String args, String message, int status) {
    Run r = run(args.split(" +"));
    assertThat(r.status()).as(r.err()).isEqualTo(status);
    assertThat(r.err()).contains(message.strip()).contains("--help' for more information.");
    assertThat(r.out()).isEmpty();
    assertThat(dataDir()).doesNotExist();
  }

  @Test
  void anInvalidConfigurationIsOneLineAndStatus78() {
    Run r = run("--config", dir.resolve("missing.toml").toString());
    assertThat(r.status()).isEqualTo(78);
    assertThat(r.err().lines()).singleElement().asString().contains("missing.toml").contains("no such file");
    assertThat(dataDir()).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--logging.level.io.mvmci=DEBUG", "--server.tomcat.threads.max=64",
      "--logging.level.org.apache.ratis.server.RaftServer=INFO", "--a.b[0]=x y"})
  void springPropertiesAreNotUnknownOptions(String arg) {
    assertThat(NodeLauncher.isSpringProperty(arg)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--frob", "--frob=1", "--server.port", "-x.y=1", "logging.level.x=1", "--.x=1"})
  void anythingElseIs(String arg) {
    assertThat(NodeLauncher.isSpringProperty(arg)).isFalse();
  }

  @Test
  void theWorkerTakesItsEnvironmentWhereNoFlagIsGiven() {
    Map<String, String> env = Map.of("MVMCI_WORKER_TOKEN", "from-env", "MVMCI_WORKER_DATA_DIR", "/tmp/w");
    WorkerOptions o = WorkerCommand.parse(List.of("--control-plane=h1:3020, https://h2:3021/x"), env);
    assertThat(o.controlPlanes()).hasToString("[http://h1:3020/, https://h2:3021/x/]");
    assertThat(o.token()).isEqualTo("from-env");
    assertThat(o.dataDir()).isEqualTo(Path.of("/tmp/w"));
    assertThat(WorkerCommand.parse(List.of("--control-plane", "h1:3020", "--token", "flag", "--data-dir", "d"), env))
        .extracting(WorkerOptions::token, WorkerOptions::dataDir).containsExactly("flag", Path.of("d"));
  }
}
