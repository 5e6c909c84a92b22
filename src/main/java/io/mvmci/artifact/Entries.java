package io.mvmci.artifact;

import io.mvmci.command.Command;
import io.mvmci.command.Result;
import io.mvmci.replication.RaftNode;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Proposes an artifact's entry through the ordinary log and waits for apply's answer. */
final class Entries {
  static final int TIMEOUT_SECONDS = 30;

  private Entries() {}

  static Result submit(RaftNode node, Command c) throws IOException {
    try {
      return node.submit(c).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new ArtifactException(503, "the artifact's entry could not be written: " + e.getMessage(), e);
    }
  }
}
