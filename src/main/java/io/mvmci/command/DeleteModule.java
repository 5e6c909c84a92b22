package io.mvmci.command;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Deletes a stored version of a module that no unfinished job uses: none is pinned to it, no running
 * attempt runs it, and no run waiting to resume (Waiting, or Pending after its worker died) has history
 * that it wrote. The latest version of a name is never deleted (promote another first), so
 * deleting never changes what the next claim runs.
 */
public record DeleteModule(long at, String name, String sha256) implements Command {
  private static final String LATEST = "SELECT sha256 FROM modules WHERE name = ? ORDER BY id DESC LIMIT 1";
  /** Running attempts (few: bounded by the workers' slots) and pinned jobs, each by its index. */
  private static final String IN_USE = """
      SELECT (SELECT count(*) FROM jobs INDEXED BY jobs_leased
              WHERE status = 'InProgress' AND workflow = ?1 AND module_sha256 = ?2)
           + (SELECT count(*) FROM jobs INDEXED BY jobs_pinned
              WHERE pinned_sha256 = ?2 AND workflow = ?1 AND status IN ('Pending', 'InProgress', 'Retrying', 'Waiting'))
           + (SELECT count(*) FROM jobs INDEXED BY jobs_waiting_for
              WHERE status = 'Waiting' AND workflow = ?1 AND module_sha256 = ?2)
           + (SELECT count(*) FROM jobs INDEXED BY jobs_runnable
              WHERE status IN ('Pending', 'Retrying') AND history_steps > 0 AND workflow = ?1 AND module_sha256 = ?2)""";
  private static final String DELETE = "DELETE FROM modules WHERE name = ? AND sha256 = ?";

  @Override
  public CommandType type() {
    return CommandType.DELETE_MODULE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(name).str(sha256);
  }

  static DeleteModule read(WireReader r) {
    return new DeleteModule(r.i64(), r.str(), r.str());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    PreparedStatement latest = tx.sql(LATEST);
    latest.setString(1, name);
    try (ResultSet rs = latest.executeQuery()) {
      if (!rs.next()) {
        return new Result.Rejected(Result.Reason.INVALID, "no module " + name);
      }
      if (rs.getString(1).equals(sha256)) {
        return new Result.Rejected(Result.Reason.ILLEGAL_TRANSITION, "version " + sha256 + " is the latest of "
            + name + "; promote another version first");
      }
    }
    PreparedStatement inUse = tx.sql(IN_USE);
    inUse.setString(1, name);
    inUse.setString(2, sha256);
    try (ResultSet rs = inUse.executeQuery()) {
      int n = rs.next() ? rs.getInt(1) : 0;
      if (n > 0) {
        return new Result.Rejected(Result.Reason.ILLEGAL_TRANSITION, n + " unfinished "
            + (n == 1 ? "job uses" : "jobs use") + " version " + sha256 + " of " + name
            + " (pinned to it, or running it)");
      }
    }
    tx.modulesChanged();
    PreparedStatement delete = tx.sql(DELETE);
    delete.setString(1, name);
    delete.setString(2, sha256);
    if (delete.executeUpdate() == 0) {
      return new Result.Rejected(Result.Reason.INVALID, "no version " + sha256 + " of module " + name);
    }
    return new Result.Ack();
  }

  @Override
  public void announce(Result result, Effects effects) {
    if (result instanceof Result.Ack) {
      effects.moduleDeleted(name, sha256);
    }
  }
}
