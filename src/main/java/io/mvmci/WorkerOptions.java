package io.mvmci;

import io.mvmci.worker.WorkerSettings;
import io.mvmci.workflow.EgressPolicy;
import io.mvmci.workflow.EngineConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A remote worker's settings once its flags and environment are resolved and checked
 * ({@link WorkerCommand}).
 *
 * @param workerId the id asked for, or null to use (or make) the one kept in the data directory
 * @param egressAllow address ranges runs may reach besides public addresses, as {@code [workers]
 *     egress_allow} on a node
 * @param labels the worker's labels, canonical (empty: none, or its ticket's if the ticket has some)
 */
record WorkerOptions(List<URI> controlPlanes, String token, Path dataDir, int capacity, String workerId,
    long heartbeatMs, long leaseMs, boolean journalFsync, long suspendAfterMs, List<String> egressAllow,
    List<String> labels) {

  WorkerOptions {
    controlPlanes = List.copyOf(controlPlanes);
    egressAllow = List.copyOf(egressAllow);
    labels = List.copyOf(labels);
  }

  EgressPolicy egress() {
    return WorkerSettingsFactory.remoteEgress(egressAllow, controlPlanes);
  }

  WorkerSettings settings() {
    return WorkerSettingsFactory.remote(capacity, heartbeatMs, leaseMs, suspendAfterMs, dataDir);
  }

  EngineConfig engine() {
    return WorkerSettingsFactory.remoteEngine(dataDir, journalFsync);
  }

  @Override
  public String toString() {
    return "WorkerOptions" + controlPlanes + " (token redacted)";
  }
}
