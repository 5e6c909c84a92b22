package io.mvmci.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  @Test
  void portsAreDistinctBindableAndBelowTheEphemeralRange() throws Exception {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = FreePorts.next();
      assertThat(port).isBetween(FreePorts.LOW, FreePorts.HIGH - 1);
      assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
    }
    int port = FreePorts.next();
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(s.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void eachForkOfTheSuiteDrawsFromAQuarterOfItsOwn() {
    int fork = Integer.getInteger("mvmci.test.fork", 0);
    if (fork <= 0) {
      assertThat(FreePorts.LOW).isEqualTo(20_000);
      assertThat(FreePorts.HIGH).isEqualTo(32_768);
    } else {
      assertThat(FreePorts.LOW).isEqualTo(20_000 + ((fork - 1) % 4) * 3_192);
      assertThat(FreePorts.HIGH - FreePorts.LOW).isEqualTo(3_192);
    }
  }

  /** Were it not disabled ({@link NoSystemExit}), this would end the test JVM with status 1. */
  @Test
  void ratisCannotEndTheTestJvm() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> org.apache.ratis.util.ExitUtils.terminate(1,
            "a gRPC server that could not bind (test)", org.slf4j.LoggerFactory.getLogger(FreePortsTest.class)))
        .isInstanceOf(org.apache.ratis.util.ExitUtils.ExitException.class);
  }
}
