package io.mvmci.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The short seeded fault-injection run of the build: about three minutes of faults against three
 * node processes (see DESIGN.md in this package). The seed is printed; {@code -Dmvmci.faults.seed=N}
 * repeats the nemesis's and the clients' choices, {@code -Dmvmci.faults.count=N} runs N faults
 * instead (scripts/soak.sh), {@code -Dmvmci.faults.nodes=5} five nodes.
 */
class FaultInjectionProcessTest {
  @Test
  void underFaultsNothingIsLostDoneTwiceReadStaleOrLeftStuckAndTheNodesAgree() throws Exception {
    Assumptions.assumeTrue(Files.exists(Path.of("workflows/testing/sequence/sequence.wasm")),
        "needs workflows/testing/sequence/sequence.wasm");
    FaultRun.Result r = FaultRun.run(FaultRun.Settings.fromProperties(0, 120));
    assertThat(r.report()).contains("faults: ");
    assertThat(r.violations()).as("seed %d:%s", r.settings().seed(), r.report()).isEmpty();
  }
}
