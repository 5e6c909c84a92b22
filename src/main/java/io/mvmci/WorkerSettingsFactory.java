package io.mvmci;

import io.mvmci.config.HostPort;
import io.mvmci.config.JobsSection;
import io.mvmci.config.Member;
import io.mvmci.config.NodeConfig;
import io.mvmci.config.WorkersSection;
import io.mvmci.worker.Admission;
import io.mvmci.worker.WorkerSettings;
import io.mvmci.workflow.EgressPolicy;
import io.mvmci.workflow.EngineConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place a worker's settings are made, for a node's embedded pool and for a remote worker
 * alike. Both take lease, heartbeat, retry backoff and shutdown grace from {@code [jobs]}, and the
 * engine's memory and stack caps from {@code [workers]}: a node from its file, a remote worker (which
 * has none) from the built-in defaults, which are a node's defaults too. A remote worker may override
 * capacity, heartbeat, lease, suspension threshold and journal fsync by flag ({@code mvm-ci worker --help}); nothing else.
 */
final class WorkerSettingsFactory {
  /** How long a stopping worker lets its runs finish before it hands them back. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
  /** What a remote worker starts from: {@code [jobs]} as a node without a file has it. */
  static final JobsSection REMOTE_JOBS = JobsSection.DEFAULTS;

  private WorkerSettingsFactory() {}

  /** The file where a worker lists the runs it is resuming (quarantine after a crash). */
  static final String RESUME_LOG = "resuming";

  /** Its capacity is the slots that fit this JVM's heap ({@link #embeddedAdmission}). */
  static WorkerSettings embedded(NodeConfig config) {
    JobsSection jobs = config.jobs();
    return settings(jobs, embeddedAdmission(config, Runtime.getRuntime().maxMemory()).admitted(), jobs.heartbeatMs(),
        jobs.leaseMs(), jobs.suspendAfterMs(), config.dataDir().resolve(RESUME_LOG));
  }

  /** How many of {@code [workers] embedded} runs fit a heap of {@code heapBytes}. */
  static Admission embeddedAdmission(NodeConfig config, long heapBytes) {
    return Admission.of(Math.max(1, config.workers().embedded()), config.workers().memoryLimitMb() * MIB,
        config.jobs().maxStepBytes(), heapBytes);
  }

  /** {@code heartbeatMs}, {@code leaseMs} and {@code suspendAfterMs} are the flags' values, or {@link #REMOTE_JOBS}'. */
  static WorkerSettings remote(int capacity, long heartbeatMs, long leaseMs, long suspendAfterMs, Path dataDir) {
    return settings(REMOTE_JOBS, remoteAdmission(capacity, Runtime.getRuntime().maxMemory()).admitted(),
        heartbeatMs, leaseMs, suspendAfterMs, dataDir == null ? null : dataDir.resolve(RESUME_LOG));
  }

  /** How many of a remote worker's {@code --capacity} runs fit a heap of {@code heapBytes}. */
  static Admission remoteAdmission(int capacity, long heapBytes) {
    return Admission.of(capacity, WorkersSection.DEFAULT_MEMORY_LIMIT_MB * MIB, REMOTE_JOBS.maxStepBytes(), heapBytes);
  }

  private static final long MIB = 1024 * 1024;

  private static WorkerSettings settings(JobsSection jobs, int capacity, long heartbeatMs, long leaseMs,
      long suspendAfterMs, Path resumeLog) {
    return new WorkerSettings(capacity, leaseMs, heartbeatMs, jobs.backoffBaseMs(), jobs.backoffMaxMs(),
        SHUTDOWN_GRACE, suspendAfterMs, resumeLog);
  }

  static EngineConfig embeddedEngine(NodeConfig config) {
    WorkersSection w = config.workers();
    return engine(config.dataDir(), w.memoryLimitMb(), w.stackSizeKb(), w.journalFsync());
  }

  /**
   * Where a node's runs may connect: public addresses and {@code [workers] egress_allow}, never a port
   * of this cluster (every member's HTTP and Raft address, and this node's listen addresses).
   */
  static EgressPolicy embeddedEgress(NodeConfig config) {
    List<EgressPolicy.Endpoint> own = new ArrayList<>();
    for (Member m : config.members()) {
      own.add(endpoint(m.http()));
      own.add(endpoint(m.raft()));
    }
    own.add(endpoint(config.httpBind()));
    own.add(endpoint(config.raftBind()));
    return EgressPolicy.allowing(config.workers().egressAllow()).protecting(own);
  }

  /** Where a remote worker's runs may connect: as a node's, its control planes protected. */
  static EgressPolicy remoteEgress(List<String> allow, List<URI> controlPlanes) {
    List<EgressPolicy.Endpoint> own = controlPlanes.stream()
        .map(u -> new EgressPolicy.Endpoint(u.getHost(), u.getPort() > 0 ? u.getPort()
            : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80))
        .toList();
    return EgressPolicy.allowing(allow).protecting(own);
  }

  private static EgressPolicy.Endpoint endpoint(HostPort a) {
    return new EgressPolicy.Endpoint(a.host(), a.port());
  }

  static EngineConfig remoteEngine(Path dataDir, boolean journalFsync) {
    return engine(dataDir, WorkersSection.DEFAULT_MEMORY_LIMIT_MB, WorkersSection.DEFAULT_STACK_SIZE_KB,
        journalFsync);
  }

  private static EngineConfig engine(Path dataDir, int memoryLimitMb, int stackSizeKb, boolean journalFsync) {
    return EngineConfig.defaults(dataDir)
        .withMemoryCapPages(memoryLimitMb * 16)
        .withStackSizeBytes(stackSizeKb * 1024L)
        .withJournalFsync(journalFsync);
  }
}
