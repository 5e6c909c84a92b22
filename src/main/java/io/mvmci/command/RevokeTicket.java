package io.mvmci.command;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Revokes a worker ticket: from the moment this applies, no node accepts its token. */
public record RevokeTicket(long at, String id) implements Command {
  private static final String REVOKE =
      "UPDATE tickets SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";

  @Override
  public CommandType type() {
    return CommandType.REVOKE_TICKET;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(id);
  }

  static RevokeTicket read(WireReader r) {
    return new RevokeTicket(r.i64(), r.str());
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    PreparedStatement ps = tx.sql(REVOKE);
    ps.setLong(1, at);
    ps.setString(2, id);
    if (ps.executeUpdate() == 0) {
      return new Result.Rejected(Result.Reason.UNKNOWN_TICKET,
          "no live ticket " + id + " (unknown, or revoked already)");
    }
    return new Result.Ack();
  }

  @Override
  public void announce(Result result, Effects effects) {
    // tickets are read from the database when a worker presents one
  }
}
