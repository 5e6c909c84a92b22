package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Ratis properties a node starts with: the keys whose defaults cost latency here. */
class RaftNodeSetupTest {
  @TempDir Path dir;

  /**
   * With Ratis's 1 ms {@code raft.server.log.appender.wait-time.min}, every sequential write waited
   * after {@link CommitNudge}'s heartbeat (replication/DESIGN.md, "Telling followers of a commit").
   */
  @Test
  void theAppenderNeverHoldsAnAppendBackAfterAHeartbeat() {
    RaftProperties p = RaftNodeSetup.properties(new RaftCluster(dir, 3, 100_000).settings(1));
    assertThat(RaftServerConfigKeys.Log.Appender.waitTimeMin(p)).isEqualTo(TimeDuration.ZERO);
  }

  @Test
  void rawRatisKeysAreAppliedLastSoAnOperatorCanOverrideAnyOfThem() {
    RaftProperties p = RaftNodeSetup.properties(new RaftCluster(dir, 3, 100_000)
        .withRatis(Map.of(RaftServerConfigKeys.Log.Appender.WAIT_TIME_MIN_KEY, "1ms")).settings(1));
    assertThat(RaftServerConfigKeys.Log.Appender.waitTimeMin(p).toLong(TimeUnit.MILLISECONDS))
        .isEqualTo(1);
  }
}
