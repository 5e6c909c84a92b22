package io.mvmci.command;

/** A job and the claim a worker holds on it: the fencing token is the attempt number. */
public record JobRef(long seq, int attempt) {
  void writeTo(WireWriter w) {
    w.i64(seq).i32(attempt);
  }

  static JobRef read(WireReader r) {
    return new JobRef(r.i64(), r.i32());
  }
}
