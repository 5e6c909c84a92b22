package io.mvmci.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real remote worker process ({@code io.mvmci.Main worker --data-dir DIR ...}), launched as
 * {@link MainProcess} launches every process: its log is {@code DIR.log}, its working directory DIR.
 */
public final class WorkerProcess extends MainProcess {
  private final Path dataDir;

  private WorkerProcess(Path dataDir, List<String> args, Map<String, String> env) {
    super(args, dataDir.resolveSibling(dataDir.getFileName() + ".log"), env, dataDir);
    this.dataDir = dataDir;
  }

  /** Starts a worker with its journal under {@code dataDir} and the given options; returns at once. */
  public static WorkerProcess start(Path dataDir, String... options) {
    return start(dataDir, Map.of(), options);
  }

  /** {@link #start(Path, String...)} with these environment variables (a fault to inject, say). */
  public static WorkerProcess start(Path dataDir, Map<String, String> env, String... options) {
    List<String> args = new ArrayList<>(List.of("worker", "--data-dir", dataDir.toString()));
    args.addAll(List.of(options));
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> withEgress = new java.util.HashMap<>(env);
    // the tests' local HTTP server, as ClusterConfig.EGRESS_ALLOW lets the nodes reach it
    withEgress.putIfAbsent("MVMCI_WORKER_EGRESS_ALLOW", "127.0.0.1/32");
    WorkerProcess w = new WorkerProcess(dataDir, args, withEgress);
    w.launch();
    return w;
  }

  @Override
  public String toString() {
    return "worker (" + dataDir + ")";
  }
}
