package io.mvmci.command;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Registers a module version a node ships in its jar (the crawler, echo, noop, pipeline), so that the
 * replicated {@code modules} table, which every claim reads, holds them too. Each node proposes the
 * bundled versions the table lacks when it starts.
 *
 * <p>Unlike {@link DeployModule}, seeding never moves a version that is already known under its name:
 * a version new to the name becomes its latest (a node with a newer jar rolls its bundled workflows
 * out), and a known one changes nothing (a node with an older jar cannot roll "latest" back, and an
 * operator's own deploy of that name stays the latest until a new jar brings a new version).
 */
public record SeedModule(long at, String name, String sha256, byte[] wasm) implements Command {

  public SeedModule {
    Objects.requireNonNull(wasm, "wasm");
  }

  @Override
  public CommandType type() {
    return CommandType.SEED_MODULE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(name).str(sha256).bytes(wasm);
  }

  static SeedModule read(WireReader r) {
    return new SeedModule(r.i64(), r.str(), r.str(), r.bytes());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    Result.Rejected corrupt = ModuleRows.check(name, sha256, wasm);
    if (corrupt != null) {
      return corrupt;
    }
    if (ModuleRows.known(tx, name, sha256)) {
      return new Result.Seeded(false);
    }
    ModuleRows.storeAsLatest(tx, name, sha256, wasm, at);
    return new Result.Seeded(true);
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Seeded s && s.stored()) {
      effects.moduleStored(name, sha256, wasm);
      effects.workReady();
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SeedModule d && at == d.at && name.equals(d.name) && sha256.equals(d.sha256)
        && Arrays.equals(wasm, d.wasm);
  }

  @Override
  public int hashCode() {
    return Objects.hash(at, name, sha256, Arrays.hashCode(wasm));
  }

  @Override
  public String toString() {
    return "SeedModule[" + name + " " + sha256 + ", " + wasm.length + " bytes]";
  }
}
