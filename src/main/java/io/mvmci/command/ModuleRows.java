package io.mvmci.command;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * The replicated {@code modules} table, as the module commands write it. The latest version of a
 * name is its highest id; storing a version moves it to a new id.
 */
final class ModuleRows {
  private static final String KNOWN = "SELECT 1 FROM modules WHERE name = ? AND sha256 = ?";
  private static final String REMOVE = "DELETE FROM modules WHERE name = ? AND sha256 = ?";
  private static final String INSERT =
      "INSERT INTO modules (name, sha256, wasm, deployed_at) VALUES (?, ?, ?, ?)";

  private ModuleRows() {}

  /** What a module name may be (as the proposing node's registry checks it). */
  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /**
   * A refusal if the name is malformed or {@code wasm} is not what {@code sha256} names (a corrupted
   * entry), else null.
   */
  static Result.Rejected check(String name, String sha256, byte[] wasm) {
    if (!NAME.matcher(name).matches()) {
      return new Result.Rejected(Result.Reason.INVALID, "invalid module name \"" + name + "\"");
    }
    return sha256(wasm).equals(sha256) ? null : new Result.Rejected(Result.Reason.INVALID,
        "module " + name + ": bytes do not match sha256 " + sha256);
  }

  static boolean known(Tx tx, String name, String sha256) throws SQLException {
    PreparedStatement ps = tx.sql(KNOWN);
    ps.setString(1, name);
    ps.setString(2, sha256);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  /** Stores the version as the name's latest (a known one moves to the top). */
  static void storeAsLatest(Tx tx, String name, String sha256, byte[] wasm, long at) throws SQLException {
    tx.modulesChanged();
    PreparedStatement remove = tx.sql(REMOVE);
    remove.setString(1, name);
    remove.setString(2, sha256);
    remove.executeUpdate();
    PreparedStatement insert = tx.sql(INSERT);
    insert.setString(1, name);
    insert.setString(2, sha256);
    insert.setBytes(3, wasm);
    insert.setLong(4, at);
    insert.executeUpdate();
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
