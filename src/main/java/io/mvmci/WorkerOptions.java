package io.mvmci;

import io.mvmci.worker.WorkerSettings;
import io.mvmci.workflow.EngineConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A remote worker's settings once its flags and environment are resolved and checked
 * ({@link WorkerCommand}).
 *
 * @param workerId the id asked for, or null to use (or make) the one kept in the data directory
 */
record WorkerOptions(List<URI> controlPlanes, String token, Path dataDir, int capacity, String workerId,
    long heartbeatMs, long leaseMs, boolean journalFsync, long suspendAfterMs) {

  WorkerOptions {
    controlPlanes = List.copyOf(controlPlanes);
  }

  WorkerSettings settings() {
    return WorkerSettingsFactory.remote(capacity, heartbeatMs, leaseMs, suspendAfterMs);
  }

  EngineConfig engine() {
    return WorkerSettingsFactory.remoteEngine(dataDir, journalFsync);
  }

  @Override
  public String toString() {
    return "WorkerOptions" + controlPlanes + " (token redacted)";
  }
}
