package io.mvmci.command;

/**
 * The leader's reaper, at {@code at} by the leader's clock: every InProgress job whose lease ended
 * before {@code at} lost its worker; it counts a failure and goes back to the queue (or is Failed if
 * it has none left). Every worker not heard from since {@code deadBefore} is marked dead.
 */
public record ExpireLeases(long at, long deadBefore) implements Command {
  static final int TYPE = 9;

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).i64(deadBefore);
  }

  static ExpireLeases read(WireReader r) {
    return new ExpireLeases(r.i64(), r.i64());
  }
}
