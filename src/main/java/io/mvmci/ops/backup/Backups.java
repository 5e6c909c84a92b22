package io.mvmci.ops.backup;

import io.mvmci.config.EncKey;
import io.mvmci.config.NodeConfig;
import io.mvmci.replication.QueueStateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.UUID;

/**
 * Online backups of this node's queue database: SQLite's own consistent copy ({@code VACUUM INTO},
 * on a connection of its own, while entries keep applying), encrypted with the active key of
 * {@code node.enc_keys} (see {@link BackupHeader}). The clear copy exists only for the duration of
 * a backup, in {@code <data_dir>/backup/}, next to the live database it copies.
 */
public final class Backups {
  private final NodeConfig config;
  private final QueueStateMachine stateMachine;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public Backups(NodeConfig config, QueueStateMachine stateMachine, Clock clock) {
    this.config = config;
    this.stateMachine = stateMachine;
    this.clock = clock;
  }

  /** A consistent clear copy of the database, and the header its encryption will carry. */
  public record Copy(Path file, BackupHeader header) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Takes the copy. Fails before anything is written if no backup key is configured.
   *
   * @throws BackupException without {@code node.enc_keys} and {@code node.enc_key_active}
   */
  public Copy copy() throws IOException {
    EncKey key = activeKey();
    Path dir = config.dataDir().resolve("backup");
    Files.createDirectories(dir);
    Path file = dir.resolve("copy-" + UUID.randomUUID() + ".sqlite");
    try {
      stateMachine.copyDatabaseTo(file);
      byte[] salt = new byte[BackupHeader.SALT_BYTES];
      random.nextBytes(salt);
      BackupHeader header = new BackupHeader(key.id(), salt, BackupCipher.DEFAULT_CHUNK, clock.millis(),
          config.nodeId(), appliedIndex(file));
      return new Copy(file, header);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /** Encrypts {@code copy} to {@code out} (the caller closes the copy). */
  public void write(Copy copy, OutputStream out) throws IOException {
    try (InputStream in = Files.newInputStream(copy.file())) {
      BackupCipher.encrypt(in, out, copy.header(), activeKey(copy.header().keyId()));
    }
  }

  /** A file name for a backup: node, time and index, so a directory of them sorts sensibly. */
  public String fileName(BackupHeader header) {
    return "mvm-ci-node" + header.nodeId() + "-" + header.createdAtMillis() + "-i" + header.appliedIndex()
        + ".backup";
  }

  private EncKey activeKey() {
    return config.node().activeEncKey().orElseThrow(() -> new BackupException(
        "backups need a key: set node.enc_keys (\"id/base64 of 32 bytes\") and node.enc_key_active"));
  }

  private byte[] activeKey(String id) {
    return config.node().encKeys().stream().filter(k -> k.id().equals(id)).findFirst()
        .orElseThrow(() -> new BackupException("key " + id + " is no longer configured")).bytes();
  }

  static long appliedIndex(Path sqlite) throws IOException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite);
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'applied_index'")) {
      return rs.next() ? rs.getLong(1) : -1;
    } catch (SQLException e) {
      throw new IOException("cannot read the copy's applied index: " + e.getMessage(), e);
    }
  }
}
