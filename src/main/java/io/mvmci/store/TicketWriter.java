package io.mvmci.store;

import io.mvmci.command.IssueTicket;
import io.mvmci.command.Result;
import io.mvmci.command.RevokeTicket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Issues and revokes worker tickets on the apply path. */
final class TicketWriter implements AutoCloseable {
  private final PreparedStatement issue;
  private final PreparedStatement revoke;

  TicketWriter(Connection w) throws SQLException {
    issue = w.prepareStatement(
        "INSERT OR IGNORE INTO tickets (id, token_sha256, label, created_at) VALUES (?, ?, ?, ?)");
    revoke = w.prepareStatement(
        "UPDATE tickets SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  }

  Result issue(IssueTicket c) throws SQLException {
    issue.setString(1, c.id());
    issue.setString(2, c.tokenSha256());
    issue.setString(3, c.label());
    issue.setLong(4, c.at());
    if (issue.executeUpdate() == 0) {
      return new Result.Rejected(Result.Reason.INVALID, "ticket " + c.id() + " exists already");
    }
    return new Result.Ack();
  }

  Result revoke(RevokeTicket c) throws SQLException {
    revoke.setLong(1, c.at());
    revoke.setString(2, c.id());
    if (revoke.executeUpdate() == 0) {
      return new Result.Rejected(Result.Reason.UNKNOWN_TICKET,
          "no live ticket " + c.id() + " (unknown, or revoked already)");
    }
    return new Result.Ack();
  }

  @Override
  public void close() throws SQLException {
    issue.close();
    revoke.close();
  }
}
