package io.mvmci;

import io.mvmci.config.NodeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * {@code secret_raft} for this node: the configured one, or, for a single node configured without
 * one, a random secret generated on first start and kept in {@code <data_dir>/secret_raft} (owner
 * read/write only), so a zero-configuration node still refuses strangers on its Raft port.
 */
final class RaftSecret {
  static final String FILE = "secret_raft";

  private RaftSecret() {}

  static String resolve(NodeConfig config) throws IOException {
    if (config.secretRaft().isPresent()) {
      return config.secretRaft().get();
    }
    Path file = config.dataDir().resolve(FILE);
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    Files.createDirectories(config.dataDir());
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Path tmp = file.resolveSibling(FILE + ".tmp");
    Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system; the data directory's own permissions apply
    }
    Files.move(tmp, file);
    return secret;
  }
}
