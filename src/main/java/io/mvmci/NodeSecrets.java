package io.mvmci;

import io.mvmci.config.NodeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The node's shared secrets: the configured ones, or, for a single node configured without them,
 * random secrets generated on first start and kept in {@code <data_dir>/secret_raft} and
 * {@code <data_dir>/secret_api} (owner read/write only). A zero-configuration node therefore still
 * refuses strangers on its Raft port and on its worker endpoints; an operator who wants a remote
 * worker reads {@code secret_api} from the data directory (or issues a ticket with it).
 */
final class NodeSecrets {
  private NodeSecrets() {}

  static String raft(NodeConfig config) throws IOException {
    return resolve(config, config.secretRaft(), "secret_raft");
  }

  static String api(NodeConfig config) throws IOException {
    return resolve(config, config.secretApi(), "secret_api");
  }

  private static String resolve(NodeConfig config, Optional<String> configured, String name)
      throws IOException {
    if (configured.isPresent()) {
      return configured.get();
    }
    Path file = config.dataDir().resolve(name);
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    Files.createDirectories(config.dataDir());
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Path tmp = file.resolveSibling(name + ".tmp");
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
