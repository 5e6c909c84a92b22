package io.mvmci.command;

import java.util.ArrayList;
import java.util.List;

/**
 * The reply to one log entry: one result per command of the batch, in order. Same framing as
 * {@link CommandCodec}: magic, version, u32 count, then per result u16 type, u32 length, payload
 * (each result's type code and payload: {@link ResultWire}).
 */
public final class ResultCodec {
  private ResultCodec() {}

  public static byte[] encode(List<? extends Result> results) {
    WireWriter w = new WireWriter(16 + 24 * results.size());
    w.u8(CommandCodec.MAGIC).u8(CommandCodec.VERSION).i32(results.size());
    for (Result r : results) {
      WireWriter payload = new WireWriter(24);
      int type = ResultWire.write(r, payload);
      w.u16(type).bytes(payload.toByteArray());
    }
    return w.toByteArray();
  }

  /**
   * A reply as its proposer reads it, one result per command it sent: a submission's
   * {@link Result.SubmittedAndClaimed} (the leader's eager start rode on it) is answered as its
   * {@link Result.Submitted}. The rewriting leader maps it back itself when it answers, but a reply
   * can come from elsewhere: when that leader stepped down before answering and the client's retry
   * reached the next leader, which had applied the entry from its log, Ratis answers from its retry
   * cache with the results as applied. A proposer never sends a submission with a claim, so it never
   * expects one (JobService cast such a reply to a refusal and answered 500).
   */
  public static List<Result> decodeAsProposed(byte[] reply) {
    List<Result> results = decode(reply);
    if (results.stream().noneMatch(r -> r instanceof Result.SubmittedAndClaimed)) {
      return results;
    }
    List<Result> out = new ArrayList<>(results.size());
    for (Result r : results) {
      out.add(r instanceof Result.SubmittedAndClaimed sc ? sc.submitted() : r);
    }
    return out;
  }

  public static List<Result> decode(byte[] reply) {
    WireReader r = new WireReader(reply);
    if (r.u8() != CommandCodec.MAGIC || r.u8() != CommandCodec.VERSION) {
      throw new MalformedCommandException("not a result envelope");
    }
    int count = r.i32();
    if (count < 0 || count > CommandCodec.MAX_COMMANDS) {
      throw new MalformedCommandException("result count " + count);
    }
    List<Result> out = new ArrayList<>(Math.min(count, 1024));
    for (int i = 0; i < count; i++) {
      int type = r.u16();
      WireReader p = r.slice(r.i32());
      Result res = ResultWire.read(type, p);
      p.expectEnd("result type " + type);
      out.add(res);
    }
    r.expectEnd("results");
    return out;
  }
}
