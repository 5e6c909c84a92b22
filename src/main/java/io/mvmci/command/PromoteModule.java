package io.mvmci.command;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Makes a stored version of a module its latest again (a rollback), without sending its bytes: the
 * next claims of jobs of that workflow run it. Refused for a version the table does not hold.
 */
public record PromoteModule(long at, String name, String sha256) implements Command {
  private static final String WASM = "SELECT wasm FROM modules WHERE name = ? AND sha256 = ?";

  @Override
  public CommandType type() {
    return CommandType.PROMOTE_MODULE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(name).str(sha256);
  }

  static PromoteModule read(WireReader r) {
    return new PromoteModule(r.i64(), r.str(), r.str());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    PreparedStatement ps = tx.sql(WASM);
    ps.setString(1, name);
    ps.setString(2, sha256);
    byte[] wasm;
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return new Result.Rejected(Result.Reason.INVALID, "no version " + sha256 + " of module " + name);
      }
      wasm = rs.getBytes(1);
    }
    ModuleRows.storeAsLatest(tx, name, sha256, wasm, at);
    return new Result.Ack();
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Ack) {
      effects.workReady();
    }
  }
}
