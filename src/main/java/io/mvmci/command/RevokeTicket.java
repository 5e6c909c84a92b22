package io.mvmci.command;

/** Revokes a worker ticket: from the moment this applies, no node accepts its token. */
public record RevokeTicket(long at, String id) implements Command {
  static final int TYPE = 11;

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(id);
  }

  static RevokeTicket read(WireReader r) {
    return new RevokeTicket(r.i64(), r.str());
  }
}
