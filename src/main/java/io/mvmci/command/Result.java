package io.mvmci.command;

/**
 * What applying one command answered. Business rejections (an unknown job, a stale claim, an illegal
 * transition) are results, never exceptions: apply must not throw for anything a caller can cause.
 * Result type codes are append-only, like command type codes.
 */
public sealed interface Result permits Result.Submitted, Result.Rejected {

  int type();

  void writeTo(WireWriter w);

  /** A job was added, or, for a known idempotency key, the existing job is answered. */
  record Submitted(long seq, boolean duplicate) implements Result {
    static final int TYPE = 1;

    @Override
    public int type() {
      return TYPE;
    }

    @Override
    public void writeTo(WireWriter w) {
      w.i64(seq).bool(duplicate);
    }

    static Submitted read(WireReader r) {
      return new Submitted(r.i64(), r.bool());
    }
  }

  /** The command was refused; nothing changed. */
  record Rejected(Reason reason, String message) implements Result {
    static final int TYPE = 2;

    @Override
    public int type() {
      return TYPE;
    }

    @Override
    public void writeTo(WireWriter w) {
      w.u16(reason.code).str(message);
    }

    static Rejected read(WireReader r) {
      return new Rejected(Reason.of(r.u16()), r.str());
    }
  }

  /** Why a command was rejected. Codes are append-only. */
  enum Reason {
    UNKNOWN_JOB(1),
    STALE_CLAIM(2),
    ILLEGAL_TRANSITION(3),
    INVALID(4);

    final int code;

    Reason(int code) {
      this.code = code;
    }

    static Reason of(int code) {
      for (Reason r : values()) {
        if (r.code == code) {
          return r;
        }
      }
      throw new MalformedCommandException("unknown rejection reason " + code);
    }
  }
}
