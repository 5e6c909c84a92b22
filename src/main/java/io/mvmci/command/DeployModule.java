package io.mvmci.command;

import java.sql.SQLException;
import java.util.Objects;

/**
 * Deploys a workflow module cluster-wide: every node stores it and registers it with its engine, so
 * every node can run it. The proposing node has already validated and compiled it; apply checks the
 * bytes against {@code sha256} so a corrupted entry is refused, not stored.
 */
public record DeployModule(long at, String name, String sha256, byte[] wasm) implements Command {
  public DeployModule {
    Objects.requireNonNull(wasm, "wasm");
  }

  @Override
  public CommandType type() {
    return CommandType.DEPLOY_MODULE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(name).str(sha256).bytes(wasm);
  }

  static DeployModule read(WireReader r) {
    return new DeployModule(r.i64(), r.str(), r.str(), r.bytes());
  }

  /** Stores the module as its name's latest version; a known version moves to the top. */
  @Override
  public Result apply(Tx tx) throws SQLException {
    Result.Rejected corrupt = ModuleRows.check(name, sha256, wasm);
    if (corrupt != null) {
      return corrupt;
    }
    ModuleRows.storeAsLatest(tx, name, sha256, wasm, at);
    return new Result.Ack();
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Ack) {
      effects.moduleStored(name, sha256, wasm);
      effects.workReady();
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeployModule d && at == d.at && name.equals(d.name) && sha256.equals(d.sha256)
        && java.util.Arrays.equals(wasm, d.wasm);
  }

  @Override
  public int hashCode() {
    return Objects.hash(at, name, sha256, java.util.Arrays.hashCode(wasm));
  }

  @Override
  public String toString() {
    return "DeployModule[" + name + " " + sha256 + ", " + wasm.length + " bytes]";
  }
}
