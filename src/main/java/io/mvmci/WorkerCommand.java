package io.mvmci;

import io.mvmci.job.Labels;
import io.mvmci.worker.WorkerTicket;
import io.mvmci.workflow.EgressPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mvm-ci worker}: a worker process that claims jobs from a control plane over HTTP and runs
 * them in its own engine, with its own journal ({@link RemoteWorker}). Each flag's environment
 * variable, where it has one, applies when the flag is not given.
 */
@Command(name = "worker", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    exitCodeOnInvalidInput = ExitCodes.USAGE,
    description = {"Runs a worker that claims jobs from the control plane over HTTP and runs them here.",
        "Give a ticket (POST /api/v1/tickets issues one), or the control plane's URLs and its secret_api.",
        ""},
    footer = {"%nLease, heartbeat and retry backoff are the [jobs] defaults a node has without a file "
        + "(lease 3000 ms, heartbeat 1000 ms, backoff 1000 ms doubling to 60000 ms); the engine's caps are "
        + "the [workers] defaults (64 MiB of memory, a 4096 KiB stack). If the control plane's [jobs] "
        + "lease_ms differs, give it as --lease-ms.",
        "Environment: CONTROL_PLANE_TICKET, MVMCI_WORKER_TOKEN (or SECRET_API), MVMCI_WORKER_DATA_DIR, "
            + "MVMCI_WORKER_EGRESS_ALLOW, MVMCI_WORKER_LABELS."})
final class WorkerCommand implements Callable<Integer> {
  private static final String WORKER_ID = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

  @Option(names = "--ticket", paramLabel = "TICKET",
      description = "The control plane's URLs and a credential in one string. Env: CONTROL_PLANE_TICKET.")
  String ticket;

  @Option(names = "--control-plane", paramLabel = "URL[,URL...]",
      description = "The control-plane nodes to work for (instead of the ticket's).")
  String controlPlane;

  @Option(names = "--token", paramLabel = "SECRET",
      description = "The control plane's secret_api, when there is no ticket. Env: MVMCI_WORKER_TOKEN, SECRET_API.")
  String token;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where the journal and the worker's id are kept. Env: MVMCI_WORKER_DATA_DIR. "
          + "Default: ./worker-data.")
  String dataDir;

  @Option(names = "--capacity", paramLabel = "N",
      description = "Jobs run at once, 1 to 4096. Default: the number of processors.")
  String capacity;

  @Option(names = "--worker-id", paramLabel = "ID",
      description = "This worker's name, 1-64 letters, digits, '.', '_' or '-'. Default: one made on first "
          + "start and kept in the data directory.")
  String workerId;

  @Option(names = "--heartbeat-ms", paramLabel = "MS",
      description = "How often leases are renewed, at most half the lease. Default: [jobs] heartbeat_ms, 1000.")
  String heartbeatMs;

  @Option(names = "--lease-ms", paramLabel = "MS",
      description = "The control plane's [jobs] lease_ms. Default: 3000.")
  String leaseMs;

  @Option(names = "--suspend-after-ms", paramLabel = "MS",
      description = "A run that must wait longer than this gives its slot back (the job waits, holding "
          + "nothing). Default: [jobs] suspend_after_ms, 500.")
  String suspendAfterMs;

  @Option(names = "--journal-fsync", paramLabel = "true|false",
      description = "Fsync every journal commit, so that a power cut repeats no step. Default: false.")
  String journalFsync;

  @Option(names = "--egress-allow", paramLabel = "CIDR[,CIDR...]",
      description = "Address ranges runs' HTTP requests may reach besides public addresses, as a node's "
          + "[workers] egress_allow (loopback, private and link-local addresses are denied otherwise). "
          + "Env: MVMCI_WORKER_EGRESS_ALLOW. Default: none.")
  String egressAllow;

  @Option(names = "--labels", paramLabel = "LABEL[,LABEL...]",
      description = "This worker's labels: it claims a job that requires labels only if it has them all. "
          + "Env: MVMCI_WORKER_LABELS. Default: none, or the ticket's if it restricts labels.")
  String labels;

  @Spec
  CommandSpec spec;

  private final Map<String, String> env;

  WorkerCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    WorkerOptions options;
    try {
      options = options();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return RemoteWorker.run(options, spec.commandLine().getErr());
  }

  /** Parses {@code args} as the command line would; what is wrong is an IllegalArgumentException. */
  static WorkerOptions parse(List<String> args, Map<String, String> env) {
    WorkerCommand command = new WorkerCommand(env);
    try {
      new CommandLine(command).parseArgs(args.toArray(String[]::new));
    } catch (ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return command.options();
  }

  WorkerOptions options() {
    long lease = number("--lease-ms", leaseMs, WorkerSettingsFactory.REMOTE_JOBS.leaseMs(), 100, 3_600_000);
    long heartbeat = number("--heartbeat-ms", heartbeatMs, WorkerSettingsFactory.REMOTE_JOBS.heartbeatMs(),
        100, 60_000);
    long suspendAfter = number("--suspend-after-ms", suspendAfterMs, WorkerSettingsFactory.REMOTE_JOBS.suspendAfterMs(),
        0, 86_400_000);
    int slots = (int) number("--capacity", capacity, Runtime.getRuntime().availableProcessors(), 1, 4096);
    boolean fsync = switch (journalFsync == null ? "false" : journalFsync) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("--journal-fsync must be true or false");
    };
    if (2 * heartbeat > lease) {
      throw new IllegalArgumentException("--heartbeat-ms (" + heartbeat + ") must be at most half of the lease ("
          + lease + " ms; --lease-ms), so that one late heartbeat does not lose it");
    }
    String credential = token != null ? token : env.getOrDefault("MVMCI_WORKER_TOKEN", env.get("SECRET_API"));
    String fromTicket = ticket != null ? ticket : env.get("CONTROL_PLANE_TICKET");
    List<URI> planes = new ArrayList<>();
    if (fromTicket != null && !fromTicket.isBlank()) {
      WorkerTicket t = WorkerTicket.decode(fromTicket);
      t.urls().forEach(u -> planes.add(base(u)));
      credential = t.token();
    }
    if (controlPlane != null) {
      planes.clear();
      for (String u : controlPlane.split(",")) {
        planes.add(base(u.strip()));
      }
    }
    if (planes.isEmpty()) {
      throw new IllegalArgumentException("no control plane: give --ticket, CONTROL_PLANE_TICKET or --control-plane");
    }
    if (credential == null || credential.isBlank()) {
      throw new IllegalArgumentException("no credential: give --ticket, or --token / MVMCI_WORKER_TOKEN");
    }
    if (workerId != null && !workerId.matches(WORKER_ID)) {
      throw new IllegalArgumentException("--worker-id must be 1-64 letters, digits, '.', '_' or '-'");
    }
    String dir = dataDir != null ? dataDir : env.getOrDefault("MVMCI_WORKER_DATA_DIR", "./worker-data");
    String allow = egressAllow != null ? egressAllow : env.getOrDefault("MVMCI_WORKER_EGRESS_ALLOW", "");
    List<String> ranges = new ArrayList<>();
    for (String r : allow.split("[,\\n]")) {
      if (!r.isBlank()) {
        try {
          EgressPolicy.allowing(List.of(r.strip()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--egress-allow: " + e.getMessage());
        }
        ranges.add(r.strip());
      }
    }
    List<String> workerLabels;
    try {
      workerLabels = Labels.parse(labels != null ? labels : env.getOrDefault("MVMCI_WORKER_LABELS", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--labels: " + e.getMessage());
    }
    return new WorkerOptions(planes, credential, Path.of(dir), slots, workerId, heartbeat, lease, fsync, suspendAfter,
        ranges, workerLabels);
  }

  private static URI base(String url) {
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      url = "http://" + url;
    }
    try {
      URI u = URI.create(url.endsWith("/") ? url : url + "/");
      if (u.getHost() == null) {
        throw new IllegalArgumentException("control-plane URL has no host: " + url);
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad control-plane URL \"" + url + "\": " + e.getMessage());
    }
  }

  private static long number(String name, String value, long fallback, long min, long max) {
    if (value == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(name + " must be an integer from " + min + " to " + max);
  }
}
