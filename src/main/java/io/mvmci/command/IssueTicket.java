package io.mvmci.command;

import io.mvmci.job.Labels;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Registers a worker ticket: a credential a remote worker presents instead of {@code secret_api}.
 * Only the token's SHA-256 is replicated; the token itself is shown once, to whoever asked for it.
 *
 * @param id the ticket's public id (for listing and revoking)
 * @param tokenSha256 lower-case hex SHA-256 of the token
 * @param label what the operator called it
 * @param labels the only worker labels the ticket's holder may advertise and claim with, canonical;
 *     empty: any (a ticket with some is written as type 28)
 */
public record IssueTicket(long at, String id, String tokenSha256, String label, List<String> labels)
    implements Command {
  private static final String ISSUE =
      "INSERT OR IGNORE INTO tickets (id, token_sha256, label, created_at, labels) VALUES (?, ?, ?, ?, ?)";

  /** A ticket that does not restrict labels. */
  public IssueTicket(long at, String id, String tokenSha256, String label) {
    this(at, id, tokenSha256, label, List.of());
  }

  public IssueTicket {
    labels = Labels.canonical(labels);
  }

  @Override
  public CommandType type() {
    return labels.isEmpty() ? CommandType.ISSUE_TICKET : CommandType.ISSUE_TICKET_WITH_LABELS;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(id).str(tokenSha256).str(label);
    if (!labels.isEmpty()) {
      WireLabels.write(w, labels);
    }
  }

  static IssueTicket read(WireReader r) {
    return new IssueTicket(r.i64(), r.str(), r.str(), r.str());
  }

  static IssueTicket readWithLabels(WireReader r) {
    return new IssueTicket(r.i64(), r.str(), r.str(), r.str(), WireLabels.read(r));
  }

  @Override
  public Result apply(Tx tx) throws SQLException {
    PreparedStatement ps = tx.sql(ISSUE);
    ps.setString(1, id);
    ps.setString(2, tokenSha256);
    ps.setString(3, label);
    ps.setLong(4, at);
    Tx.setNullable(ps, 5, labels.isEmpty() ? null : Labels.join(labels));
    if (ps.executeUpdate() == 0) {
      return new Result.Rejected(Result.Reason.INVALID, "ticket " + id + " exists already");
    }
    return new Result.Ack();
  }

  @Override
  public void announce(Result result, Effects effects) {
    // tickets are read from the database when a worker presents one
  }
}
