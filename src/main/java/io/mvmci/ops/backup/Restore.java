package io.mvmci.ops.backup;

import io.mvmci.config.EncKey;
import io.mvmci.config.NodeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Restores a backup into the data directory of a node that has never started.
 *
 * <p>Contract, and why:
 * <ul>
 *   <li>The target MUST have no Raft state and no queue database: the database records which Raft
 *       entries it holds ({@code meta.applied_index}), and mixing it with another log would skip or
 *       re-apply entries. Refused otherwise, naming what is there.</li>
 *   <li>The restored database's {@code meta.applied_index} and {@code applied_term} are reset to -1
 *       and 0: a new cluster's log starts empty, and an index carried over from the old cluster
 *       would make the node skip every new entry up to it as already applied. Everything else
 *       (jobs, their events and logs, counters, {@code next_job_seq}, tickets, deployed modules) is
 *       kept, so new submissions continue the old job ids.</li>
 *   <li>Every member of the new cluster MUST be restored from the same backup file before any of
 *       them starts. Restoring is deterministic: the same file gives every node the same database,
 *       so the members agree from the first entry on. A member started empty would diverge.</li>
 *   <li>The file is decrypted and every chunk authenticated into a temporary file first, then
 *       SQLite's integrity check runs, and only then is the database moved into place (atomically).
 *       Any failure leaves the data directory as it was.</li>
 * </ul>
 */
public final class Restore {
  /** What was restored, for the operator. */
  public record Summary(Path database, BackupHeader header, long jobs, long nextJobSeq) {}

  private Restore() {}

  public static Summary run(Path backup, NodeConfig config) throws IOException {
    Path dataDir = config.dataDir();
    Path db = dataDir.resolve("db").resolve("queue.sqlite");
    refuseExistingState(dataDir, db);
    Files.createDirectories(db.getParent());
    Path tmp = db.resolveSibling("queue.sqlite.restoring");
    Files.deleteIfExists(tmp);
    try {
      BackupHeader header;
      try (InputStream in = Files.newInputStream(backup);
           OutputStream out = Files.newOutputStream(tmp)) {
        header = BackupCipher.decrypt(new java.io.BufferedInputStream(in, 1 << 16), out,
            id -> key(config, id));
      } catch (NoSuchFileException e) {
        throw new BackupException("no backup file at " + backup);
      }
      long[] facts = prepare(tmp);
      fsync(tmp);
      Files.move(tmp, db, StandardCopyOption.ATOMIC_MOVE);
      return new Summary(db, header, facts[0], facts[1]);
    } finally {
      Files.deleteIfExists(tmp);
      Files.deleteIfExists(tmp.resolveSibling(tmp.getFileName() + "-journal"));
    }
  }

  private static Optional<byte[]> key(NodeConfig config, String id) {
    return config.node().encKeys().stream().filter(k -> k.id().equals(id)).findFirst().map(EncKey::bytes);
  }

  private static void refuseExistingState(Path dataDir, Path db) throws IOException {
    Path raft = dataDir.resolve("raft");
    if (Files.isDirectory(raft)) {
      try (Stream<Path> entries = Files.list(raft)) {
        if (entries.findAny().isPresent()) {
          throw BackupException.targetHasState("refusing to restore: " + raft + " already holds Raft state (this node"
              + " has run before). Restore only into a fresh data directory: move " + dataDir + " away first");
        }
      }
    }
    for (Path p : new Path[] {db, db.resolveSibling("queue.sqlite-wal")}) {
      if (Files.exists(p)) {
        throw BackupException.targetHasState("refusing to restore: " + p + " already exists (this node has a queue"
            + " database). Restore only into a fresh data directory: move " + dataDir + " away first");
      }
    }
  }

  /** Checks the decrypted database, resets its Raft position; returns {jobs, next job seq}. */
  private static long[] prepare(Path file) throws IOException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
        String verdict = rs.next() ? rs.getString(1) : "no answer";
        if (!"ok".equals(verdict)) {
          throw new BackupException("the backup decrypted, but the database in it is corrupt: " + verdict);
        }
      }
      s.execute("PRAGMA journal_mode = DELETE");
      s.executeUpdate("UPDATE meta SET value = -1 WHERE key = 'applied_index'");
      s.executeUpdate("UPDATE meta SET value = 0 WHERE key = 'applied_term'");
      long jobs;
      long next;
      try (ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(count), 0) FROM job_counts")) {
        jobs = rs.getLong(1);
      }
      try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'next_job_seq'")) {
        next = rs.next() ? rs.getLong(1) : 0;
      }
      return new long[] {jobs, next};
    } catch (SQLException e) {
      throw new BackupException("the backup decrypted, but its database cannot be read: " + e.getMessage(), e);
    }
  }

  private static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }
}
