package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Ratis properties a node starts with: the keys whose defaults cost latency here. */
class RaftNodeSetupTest {
  @TempDir Path dir;

  /**
   * Ratis's appender holds an AppendEntries until {@code raft.server.log.appender.wait-time.min} has
   * passed since its last send to that follower, and a heartbeat counts as a send. {@link CommitNudge}
   * heartbeats the followers after every lone commit, so with the 1 ms default the next sequential
   * write (a run's next durable step) waited a whole millisecond before it left: one client's submits
   * went from 2.95 to 2.35 ms p50 without it (README, "Submit throughput").
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
    assertThat(RaftServerConfigKeys.Log.Appender.waitTimeMin(p).toLong(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(1);
  }
}
