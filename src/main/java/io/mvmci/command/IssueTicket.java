package io.mvmci.command;

/**
 * Registers a worker ticket: a credential a remote worker presents instead of {@code secret_api}.
 * Only the token's SHA-256 is replicated; the token itself is shown once, to whoever asked for it.
 *
 * @param id the ticket's public id (for listing and revoking)
 * @param tokenSha256 lower-case hex SHA-256 of the token
 * @param label what the operator called it
 */
public record IssueTicket(long at, String id, String tokenSha256, String label) implements Command {
  static final int TYPE = 10;

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(id).str(tokenSha256).str(label);
  }

  static IssueTicket read(WireReader r) {
    return new IssueTicket(r.i64(), r.str(), r.str(), r.str());
  }
}
