package io.mvmci.command;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Deletes a schedule and its fire history; it fires no more. The jobs it submitted stay, unfinished
 * ones included (cancel them as any job).
 *
 * <pre>
 *   i64 at, str id
 * </pre>
 */
public record DeleteSchedule(long at, String id) implements Command {
  private static final String DELETE = "DELETE FROM schedules WHERE id = ?";
  private static final String DELETE_FIRES = "DELETE FROM schedule_fires WHERE schedule_id = ?";

  @Override
  public CommandType type() {
    return CommandType.DELETE_SCHEDULE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(id);
  }

  static DeleteSchedule read(WireReader r) {
    return new DeleteSchedule(r.i64(), r.str());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    PreparedStatement ps = tx.sql(DELETE);
    ps.setString(1, id);
    if (ps.executeUpdate() == 0) {
      return new Result.Rejected(Result.Reason.UNKNOWN_SCHEDULE, "no schedule " + id);
    }
    PreparedStatement fires = tx.sql(DELETE_FIRES);
    fires.setString(1, id);
    fires.executeUpdate();
    return new Result.Ack();
  }

  @Override
  public void announce(Result result, Effects effects) {
    // nothing of this node reacts; the leader's loop reads the table
  }
}
