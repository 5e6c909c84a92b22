package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvmci.workflow.ExternalHistoryTest.MemoryHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ABI version 4 on the real engine (workflows/README.md, "Artifacts"): a guest streams an artifact
 * in chunks ({@code artifact_open}, {@code artifact_write}), and {@code artifact_close} is the one
 * journaled step: new, it asks the cluster to store the spooled bytes; replayed, it answers what was
 * recorded and stores nothing again. Driven by {@code workflows/hostile/artifacts.wat}.
 */
class AbiV4Test extends EngineTestSupport {
  final Store store = new Store();
  WorkflowEngine engine;

  /** The cluster's side: what was stored, byte for byte, and a refusal when told to. */
  static final class Store extends QuietServices {
    record Put(String name, byte[] bytes, long size, String sha256) {}

    final List<Put> puts = new CopyOnWriteArrayList<>();
    volatile String refuse;

    @Override
    public long maxArtifactBytes() {
      return 100;
    }

    @Override
    public Answer storeArtifact(String name, Path file, long size, String sha256) {
      if (refuse != null) {
        return Answer.of(1, refuse.getBytes(StandardCharsets.UTF_8));
      }
      try {
        puts.add(new Put(name, Files.readAllBytes(file), size, sha256));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Answer.of(0, ("{\"sha256\":\"" + sha256 + "\"}").getBytes(StandardCharsets.UTF_8));
    }
  }

  @BeforeEach
  void deployAndStart() {
    deploy("artifacts");
    engine = engine(c -> c);
  }

  RunOutcome run(String input, MemoryHistory history) {
    return outcomeOf(engine.start(RunSpec.of("job-1/1", ModuleRef.latest("artifacts"),
        input.getBytes(StandardCharsets.UTF_8)).withHistory(history).withServices(store)));
  }

  static String sha(String s) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void chunksAreStoredOnceAndAReplayAnswersTheRecordedResult() throws Exception {
    MemoryHistory h = new MemoryHistory();
    String input = "line one\nline two\n";
    assertThat(output(run(input, h))).isEqualTo("0 {\"sha256\":\"" + sha(input) + "\"}");
    assertThat(store.puts).hasSize(1);
    assertThat(new String(store.puts.get(0).bytes(), StandardCharsets.UTF_8)).isEqualTo(input);
    assertThat(store.puts.get(0).name()).isEqualTo("report.txt");
    assertThat(store.puts.get(0).size()).isEqualTo(input.length());
    assertThat(h.steps).extracting(HistoryStep::kind).containsExactly("artifact_close");
    assertThat(h.steps.get(0).summary()).startsWith("\"report.txt\" 18 bytes sha256 " + sha(input).substring(0, 12));

    assertThat(output(run(input, h))).as("the replay's answer").isEqualTo("0 {\"sha256\":\"" + sha(input) + "\"}");
    assertThat(store.puts).as("a replay stores nothing again").hasSize(1);

    RunOutcome diverged = run("other bytes", h);
    assertThat(diverged).isInstanceOf(RunOutcome.Failed.class);
    assertThat(((RunOutcome.Failed) diverged).reason()).contains("non-deterministic");
  }

  @Test
  void refusalsBadNamesBadHandlesAndTheCapAreAnswers() {
    store.refuse = "over artifacts.max_job_bytes";
    assertThat(output(run("x", new MemoryHistory()))).isEqualTo("1 over artifacts.max_job_bytes");
    store.refuse = null;
    assertThat(output(run("!", new MemoryHistory()))).isEqualTo("open -1");
    assertThat(output(run("w", new MemoryHistory()))).as("a handle never opened").isEqualTo("1");
    assertThat(output(run("y".repeat(101), new MemoryHistory())))
        .as("past maxArtifactBytes, the second write is refused and the first 50 bytes are stored")
        .startsWith("0 ");
    assertThat(store.puts.get(0).size()).isEqualTo(50);
  }

  @Test
  void aVersion3ModuleMayNotImportVersion4Functions() {
    assertThatThrownBy(() -> registry.deploy("v3-imports-v4", guest("v3-imports-v4")))
        .isInstanceOf(InvalidModuleException.class)
        .hasMessageContaining("import mvmci.artifact_open needs ABI version 4: export mvmci_abi_v4 instead of mvmci_abi_v3");
  }
}
