package io.mvmci.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs a worker is resuming, kept in a file of its data directory, so that the next start knows
 * which of the claims it still holds were being resumed when the process stopped without a word
 * (killed, or crashed: out of memory, say). Such a run is not resumed a second time: it is reported
 * failed, a counted attempt, and the job's retry policy and {@code max_attempts} bound what it costs.
 * Written only when a worker resumes (rarely), never per claim.
 */
final class ResumeLog {
  private static final Logger LOG = LoggerFactory.getLogger(ResumeLog.class);
  private final Path file;

  /** @param file where the list lives; null keeps none (nothing is ever quarantined) */
  ResumeLog(Path file) {
    this.file = file;
  }

  /** The run ids being resumed when this worker last stopped without clearing the list. */
  Set<String> previous() {
    if (file == null || !Files.exists(file)) {
      return Set.of();
    }
    try {
      Set<String> ids = new LinkedHashSet<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          ids.add(line.strip());
        }
      }
      return ids;
    } catch (IOException e) {
      LOG.warn("cannot read {}: {}; resuming every claim", file, e.getMessage());
      return Set.of();
    }
  }

  /** Replaces the list with {@code runIds}, durably, before they are resumed. */
  void record(Set<String> runIds) {
    if (file == null) {
      return;
    }
    if (runIds.isEmpty()) {
      clear();
      return;
    }
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, String.join("\n", runIds) + "\n", StandardCharsets.UTF_8);
      try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("cannot write {}: {}; a run that crashes this worker may be resumed again", file, e.getMessage());
    }
  }

  /** A clean stop: nothing was cut short. */
  void clear() {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", file, e.getMessage());
    }
  }
}
