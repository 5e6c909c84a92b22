package io.mvmci.store;

import io.mvmci.command.DeployModule;
import io.mvmci.command.Result;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;

/** Stores deployed workflow modules on the apply path. */
final class ModuleWriter implements AutoCloseable {
  private final PreparedStatement remove;
  private final PreparedStatement insert;

  ModuleWriter(Connection w) throws SQLException {
    remove = w.prepareStatement("DELETE FROM modules WHERE name = ? AND sha256 = ?");
    insert = w.prepareStatement(
        "INSERT INTO modules (name, sha256, wasm, deployed_at) VALUES (?, ?, ?, ?)");
  }

  Result deploy(DeployModule c) throws SQLException {
    if (!sha256(c.wasm()).equals(c.sha256())) {
      return new Result.Rejected(Result.Reason.INVALID,
          "module " + c.name() + ": bytes do not match sha256 " + c.sha256());
    }
    remove.setString(1, c.name());
    remove.setString(2, c.sha256());
    remove.executeUpdate();
    insert.setString(1, c.name());
    insert.setString(2, c.sha256());
    insert.setBytes(3, c.wasm());
    insert.setLong(4, c.at());
    insert.executeUpdate();
    return new Result.Ack();
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws SQLException {
    remove.close();
    insert.close();
  }
}
