package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** workflows/echo/echo.wasm and workflows/noop/noop.wasm on the engine, and the 1 MiB output limit. */
class EchoAndNoopWorkflowTest extends EngineTestSupport {
  EchoAndNoopWorkflowTest() {
    super(shipped());
  }

  private static final int MIB = 1024 * 1024;

  private RunOutcome runBytes(String runId, String module, byte[] input) {
    try (WorkflowEngine engine = engine()) {
      return outcomeOf(engine.start(RunSpec.of(runId, ModuleRef.latest(module), input)));
    }
  }

  private static byte[] succeeded(RunOutcome outcome) {
    assertThat(outcome).isInstanceOf(RunOutcome.Succeeded.class);
    return ((RunOutcome.Succeeded) outcome).output();
  }

  @Test
  void echoReturnsItsInputByteForByte() {
    byte[] json = "{\"url\": \"https://example.com\", \"ü\": [1, 2]}".getBytes(StandardCharsets.UTF_8);
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    assertThat(succeeded(runBytes("echo-json", "echo", json))).isEqualTo(json);
    assertThat(succeeded(runBytes("echo-binary", "echo", binary))).as("not UTF-8, still the same bytes").isEqualTo(binary);
    assertThat(succeeded(runBytes("echo-empty", "echo", new byte[0]))).isEmpty();
  }

  @Test
  void noopOutputsAnEmptyObjectWhateverItsInput() {
    assertThat(output(run("noop-1", "noop", "{\"anything\": true}"))).isEqualTo("{}");
    assertThat(output(run("noop-2", "noop", ""))).isEqualTo("{}");
    assertThat(journal().steps("noop-1")).as("noop makes no journaled call").isEmpty();
  }

  @Test
  void outputOfExactly1MiBIsAllowed() {
    byte[] input = new byte[MIB];
    Arrays.fill(input, (byte) 'x');
    assertThat(succeeded(runBytes("echo-1mib", "echo", input))).hasSize(MIB);
  }

  @Test
  void outputOver1MiBFailsTheRun() {
    byte[] input = new byte[MIB + 1];
    Arrays.fill(input, (byte) 'x');
    RunOutcome.Failed f = failure(runBytes("echo-too-big", "echo", input));
    assertThat(f.kind()).isEqualTo(FailureKind.TRAP);
    assertThat(f.reason()).contains("output exceeds 1048576 bytes");
  }
}
