package io.mvmci.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether this node hands out work: a node restored with {@code mvm-ci restore --paused} starts with
 * claims paused, so the jobs that were in flight when the backup was taken are not run again at once
 * (their leases have run out, and the reaper puts them back in the queue). While paused, its embedded
 * worker does not claim and its remote workers' claims come back empty; reads and submissions go on.
 * {@code POST /api/v1/admin/claims/resume} (secret_api) on each node lifts it. The pause is this
 * node's, kept as a file in its data directory so that it outlives a restart; restore every member
 * with {@code --paused} to pause a cluster.
 */
public final class ClaimPause {
  /** The file in the data directory that says claims are paused. */
  public static final String FILE = "claims-paused";

  private final Path file;
  private final List<Runnable> onResume = new ArrayList<>();

  public ClaimPause(Path dataDir) {
    this.file = dataDir.resolve(FILE);
  }

  /** Pauses claims on the node whose data directory is {@code dataDir}, from its next start. */
  public static void pause(Path dataDir, String why) throws IOException {
    Files.createDirectories(dataDir);
    Files.writeString(dataDir.resolve(FILE), why + "\n");
  }

  public boolean paused() {
    return Files.exists(file);
  }

  /** Runs {@code action} when claims resume (or at once if they are not paused). */
  public synchronized void whenResumed(Runnable action) {
    if (paused()) {
      onResume.add(action);
    } else {
      action.run();
    }
  }

  /** Lifts the pause; answers whether there was one. */
  public boolean resume() {
    List<Runnable> actions;
    synchronized (this) {
      try {
        if (!Files.deleteIfExists(file)) {
          return false;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      actions = List.copyOf(onResume);
      onResume.clear();
    }
    actions.forEach(Runnable::run);
    return true;
  }
}
