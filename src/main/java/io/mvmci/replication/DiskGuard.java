package io.mvmci.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node can store writes: its data directory's free space and writability, checked every
 * second, and what the storage layers reported (the Raft log could not be written, an entry cannot be
 * applied to the database). While any of these holds, the node refuses writes at once with the reason
 * ({@link #refusal}), a leader refuses every proposal before it reaches the log, and health reports it.
 *
 * <ul>
 *   <li><b>Short of space</b>: free space under the reserve ({@code [raft] min_free_disk_mb}). Clears by
 *       itself when space returns.</li>
 *   <li><b>Read-only</b>: the file system holding the data directory is mounted read-only. Clears by
 *       itself when it is writable again.</li>
 *   <li><b>Apply blocked</b>: SQLite could not write an entry (full, read-only, I/O error). The entry is
 *       applied again until it goes in; clears when it does.</li>
 *   <li><b>Log failed</b>: Ratis could not write its log. Ratis never writes that log again in this
 *       process, so the node stops its Raft server (as a fatal apply error does) and stays so until it is
 *       restarted, once there is space.</li>
 * </ul>
 *
 * Thread-safe.
 */
public final class DiskGuard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DiskGuard.class);
  static final long CHECK_INTERVAL_MS = 1_000;

  /** What keeps this node from storing writes, worst last. */
  public enum Fault { NONE, SHORT_OF_SPACE, READ_ONLY, APPLY_BLOCKED, LOG_FAILED }

  /** The guard's view now: the fault, why, and the space it saw. */
  public record Status(Fault fault, String reason, long usableBytes, long reserveBytes, Path dir) {
    public boolean refusing() {
      return fault != Fault.NONE;
    }

    /** Why writes are refused, if they are. */
    public Optional<String> refusal() {
      return refusing() ? Optional.of(reason) : Optional.empty();
    }
  }

  /** How the data directory is examined: the file system's flags and free space. */
  interface Probe {
    Probe FILE_STORE = new Probe() {
      @Override
      public boolean readOnly(Path dir) throws IOException {
        return Files.getFileStore(dir).isReadOnly();
      }

      @Override
      public long usableBytes(Path dir) throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
      }
    };

    boolean readOnly(Path dir) throws IOException;

    long usableBytes(Path dir) throws IOException;
  }

  private final int nodeId;
  private final List<Path> dirs;
  private final Probe probe;
  private final long reserveBytes;
  private final ScheduledExecutorService checker;
  private volatile Status checked;
  private volatile String applyBlocked;
  private volatile String logFailed;
  private volatile Runnable onLogFailed = () -> {};

  /**
   * @param dirs the directories whose file systems hold the Raft log and the database
   * @param reserveBytes the free space below which writes are refused; 0 turns the reserve off
   */
  public DiskGuard(int nodeId, List<Path> dirs, long reserveBytes) {
    this(nodeId, dirs, reserveBytes, Probe.FILE_STORE);
  }

  DiskGuard(int nodeId, List<Path> dirs, long reserveBytes, Probe probe) {
    this.nodeId = nodeId;
    this.probe = probe;
    this.dirs = List.copyOf(dirs);
    this.reserveBytes = reserveBytes;
    this.checked = new Status(Fault.NONE, null, -1, reserveBytes, dirs.get(0));
    this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "disk-guard");
      t.setDaemon(true);
      return t;
    });
  }

  /** Checks now, then every second. */
  public DiskGuard start() {
    check();
    checker.scheduleWithFixedDelay(this::check, CHECK_INTERVAL_MS, CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
    return this;
  }

  /** What to do once the Raft log has failed (stop the Raft server); run once, on its own thread. */
  void onLogFailed(Runnable action) {
    this.onLogFailed = action;
  }

  /** Checks the data directory now. */
  void check() {
    Status before = checked;
    Status now = measure();
    checked = now;
    if (now.fault() != before.fault()) {
      if (now.refusing()) {
        LOG.error("node {} refuses writes: {}", nodeId, now.reason());
      } else if (before.refusing() && logFailed == null && applyBlocked == null) {
        LOG.warn("node {} stores writes again: {} has {} MiB free", nodeId, now.dir(), now.usableBytes() >> 20);
      }
    }
  }

  private Status measure() {
    long least = Long.MAX_VALUE;
    Path leastDir = dirs.get(0);
    for (Path dir : dirs) {
      try {
        if (probe.readOnly(dir)) {
          return new Status(Fault.READ_ONLY, "node " + nodeId + " cannot store writes: its data directory " + dir
              + " is on a read-only file system; make it writable again and writes resume", -1, reserveBytes, dir);
        }
        long usable = probe.usableBytes(dir);
        if (usable < least) {
          least = usable;
          leastDir = dir;
        }
      } catch (IOException e) {
        return new Status(Fault.READ_ONLY, "node " + nodeId + " cannot store writes: its data directory " + dir
            + " cannot be examined (" + e.getMessage() + ")", -1, reserveBytes, dir);
      }
    }
    if (least < reserveBytes) {
      return new Status(Fault.SHORT_OF_SPACE, "node " + nodeId + " cannot store writes: its data directory "
          + leastDir + " has " + mib(least) + " free, below the reserve of " + mib(reserveBytes)
          + " ([raft] min_free_disk_mb); free space there and writes resume", least, reserveBytes, leastDir);
    }
    return new Status(Fault.NONE, null, least, reserveBytes, leastDir);
  }

  private static String mib(long bytes) {
    return bytes >= 1024 * 1024 ? (bytes >> 20) + " MiB" : bytes + " bytes";
  }

  /** The guard's view now, the storage layers' reports included, the worst first. */
  public Status status() {
    Status s = checked;
    if (logFailed != null) {
      return new Status(Fault.LOG_FAILED, logFailed, s.usableBytes(), reserveBytes, s.dir());
    }
    if (applyBlocked != null) {
      return new Status(Fault.APPLY_BLOCKED, applyBlocked, s.usableBytes(), reserveBytes, s.dir());
    }
    return s;
  }

  /** Why this node refuses writes now, if it does. */
  public Optional<String> refusal() {
    Status s = status();
    return s.refusing() ? Optional.of(s.reason()) : Optional.empty();
  }

  /** SQLite could not write entry {@code index}; it is applied again until it goes in. */
  void applyBlocked(long index, String cause) {
    if (applyBlocked == null) {
      LOG.error("node {} cannot apply entry {} to its database ({}); it will apply it again until it goes in",
          nodeId, index, cause);
    }
    applyBlocked = "node " + nodeId + " cannot store writes: entry " + index + " could not be written to its"
        + " database (" + cause + "); free space or make its data directory writable, and it goes on";
  }

  /** The blocked entry went in. */
  void applyResumed() {
    if (applyBlocked != null) {
      applyBlocked = null;
      LOG.warn("node {} applies entries again", nodeId);
    }
  }

  /** Ratis could not write its log: the node must be restarted. */
  void logFailed(Throwable cause) {
    if (logFailed != null) {
      return;
    }
    logFailed = "node " + nodeId + " cannot store writes: its Raft log could not be written (" + cause.getMessage()
        + "), and it stopped taking part in Raft; free space or make its data directory writable, then restart"
        + " the node";
    LOG.error("{}", logFailed, cause);
    Thread stopper = new Thread(onLogFailed, "raft-log-failed");
    stopper.setDaemon(true);
    stopper.start();
  }

  @Override
  public void close() {
    checker.shutdownNow();
  }
}
