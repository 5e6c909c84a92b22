package io.mvmci;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.config.RaftSection;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

/** {@code [raft] read_lease} reaches Ratis as its leader-lease key, and only when set. */
class RaftSettingsFactoryTest {
  @Test
  void theReadLeaseIsRatissLeaderLeaseAndOffByDefault() {
    assertThat(RaftSettingsFactory.ratisProperties(RaftSection.DEFAULTS)).isEmpty();
    RaftSection lease = new RaftSection(500, 1000, 3000, 20_000, 2, 512, 1 << 20, 20 << 20, 64L << 20, 256, true, 3_600_000);
    RaftProperties p = new RaftProperties();
    RaftSettingsFactory.ratisProperties(lease).forEach(p::set);
    assertThat(RaftServerConfigKeys.Read.leaderLeaseEnabled(p)).isTrue();
    assertThat(RaftServerConfigKeys.Read.leaderLeaseEnabled(new RaftProperties())).as("Ratis's own default").isFalse();
  }
}
