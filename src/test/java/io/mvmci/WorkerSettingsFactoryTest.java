package io.mvmci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvmci.config.ConfigLoader;
import io.mvmci.config.NodeConfig;
import io.mvmci.worker.WorkerSettings;
import io.mvmci.workflow.EngineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embedded and the remote worker take their settings from one place, and the same defaults. */
class WorkerSettingsFactoryTest {
  static final List<String> PLANE = RemoteWorkerOptionsTest.PLANE;

  static WorkerOptions remote(String... more) {
    List<String> args = new ArrayList<>(PLANE);
    args.addAll(List.of(more));
    return WorkerCommand.parse(args, Map.of());
  }

  static NodeConfig node(String toml) {
    return ConfigLoader.parse(toml, "test", Map.of());
  }

  @Test
  void aRemoteWorkerWithoutFlagsGetsTheEmbeddedWorkersDefaults() {
    WorkerSettings embedded = WorkerSettingsFactory.embedded(node(""));
    WorkerSettings remote = remote().settings();
    assertThat(remote.leaseMs()).isEqualTo(embedded.leaseMs()).isEqualTo(3_000);
    assertThat(remote.heartbeatMs()).isEqualTo(embedded.heartbeatMs()).isEqualTo(1_000);
    assertThat(remote.backoffBaseMs()).isEqualTo(embedded.backoffBaseMs()).isEqualTo(1_000);
    assertThat(remote.backoffMaxMs()).isEqualTo(embedded.backoffMaxMs()).isEqualTo(60_000);
    assertThat(remote.shutdownGrace()).isEqualTo(embedded.shutdownGrace());
    assertThat(remote.capacity()).isEqualTo(embedded.capacity())
        .isEqualTo(Runtime.getRuntime().availableProcessors());

    EngineConfig embeddedEngine = WorkerSettingsFactory.embeddedEngine(node(""));
    EngineConfig remoteEngine = remote().engine();
    assertThat(remoteEngine.memoryCapPages()).isEqualTo(embeddedEngine.memoryCapPages()).isEqualTo(64 * 16);
    assertThat(remoteEngine.stackSizeBytes()).isEqualTo(embeddedEngine.stackSizeBytes()).isEqualTo(4096 * 1024L);
    assertThat(remoteEngine.journalFsync()).isEqualTo(embeddedEngine.journalFsync()).isFalse();
  }

  @Test
  void theEmbeddedWorkerReadsJobsAndWorkersFromTheNodesFile() {
    NodeConfig config = node("""
        [workers]
        embedded = 5
        stack_size_kb = 512
        journal_fsync = true
        [jobs]
        lease_ms = 8000
        heartbeat_ms = 2000
        backoff_base_ms = 250
        backoff_max_ms = 4000
        """);
    WorkerSettings s = WorkerSettingsFactory.embedded(config);
    assertThat(List.of(s.capacity(), s.leaseMs(), s.heartbeatMs(), s.backoffBaseMs(), s.backoffMaxMs()))
        .containsExactly(5, 8_000L, 2_000L, 250L, 4_000L);
    EngineConfig engine = WorkerSettingsFactory.embeddedEngine(config);
    assertThat(engine.stackSizeBytes()).isEqualTo(512 * 1024L);
    assertThat(engine.journalFsync()).isTrue();
  }

  @Test
  void aRemoteWorkerOverridesHeartbeatLeaseCapacityAndFsyncByFlagOnly() {
    WorkerOptions o = remote("--heartbeat-ms", "4000", "--lease-ms=10000", "--capacity", "7",
        "--journal-fsync", "true");
    WorkerSettings s = o.settings();
    assertThat(List.of(s.capacity(), s.leaseMs(), s.heartbeatMs(), s.backoffBaseMs(), s.backoffMaxMs()))
        .containsExactly(7, 10_000L, 4_000L, 1_000L, 60_000L);
    assertThat(o.engine().journalFsync()).isTrue();
  }

  @Test
  void aHeartbeatMustComeTwicePerLeaseAsInJobs() {
    assertThatThrownBy(() -> remote("--heartbeat-ms", "2000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--heartbeat-ms (2000) must be at most half of the lease (3000 ms; --lease-ms), so that "
            + "one late heartbeat does not lose it");
    assertThat(remote("--heartbeat-ms", "1500").settings().heartbeatMs()).isEqualTo(1_500);
  }
}
