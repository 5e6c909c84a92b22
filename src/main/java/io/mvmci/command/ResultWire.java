package io.mvmci.command;

import io.mvmci.job.JobStatus;

/**
 * The wire layout of each {@link Result}: its type code and its payload, written and read side by side
 * so that a layout is reviewed as one piece. {@link Result} says what a command can answer; this class
 * how the answer travels, and {@link ResultCodec} frames the answers of one entry. Type codes are
 * append-only, like command type codes, and a released layout never changes: a result that needs
 * another field gets a new code, and the old one is still read (type 3, a claim without module
 * versions, is read and never written).
 *
 * <p>A new result: a record in {@link Result}, the next code here, a branch in {@link #write} and a
 * case in {@link #read}, and golden bytes in a codec test.
 */
final class ResultWire {
  static final int SUBMITTED = 1;
  static final int REJECTED = 2;
  static final int CLAIMED_WITHOUT_MODULE = 3;
  static final int STALE = 4;
  static final int DONE = 5;
  static final int EXPIRED = 6;
  static final int ACK = 7;
  static final int PURGED = 8;
  static final int CLAIMED = 9;
  static final int SEEDED = 10;
  static final int WOKEN = 11;
  static final int SIGNALED = 12;
  static final int FIRED = 13;
  static final int SAVED = 14;
  static final int SUBMITTED_AND_CLAIMED = 15;

  private ResultWire() {}

  /** Writes {@code result}'s payload to {@code w} and answers its type code. */
  static int write(Result result, WireWriter w) {
    if (result instanceof Result.Submitted r) {
      writeSubmitted(r, w);
      return SUBMITTED;
    }
    if (result instanceof Result.SubmittedAndClaimed r) {
      writeSubmitted(r.submitted(), w);
      Lists.write(w, r.claimed(), ResultWire::writeClaimedJob);
      return SUBMITTED_AND_CLAIMED;
    }
    if (result instanceof Result.Rejected r) {
      w.u16(r.reason().code).str(r.message());
      return REJECTED;
    }
    if (result instanceof Result.Claimed r) {
      Lists.write(w, r.jobs(), ResultWire::writeClaimedJob);
      return CLAIMED;
    }
    if (result instanceof Result.Stale r) {
      Lists.write(w, r.jobs(), JobRef::writeTo);
      return STALE;
    }
    if (result instanceof Result.Done r) {
      w.str(r.status().name());
      return DONE;
    }
    if (result instanceof Result.Expired r) {
      w.i32(r.jobs()).i32(r.workers());
      return EXPIRED;
    }
    if (result instanceof Result.Purged r) {
      w.i32(r.jobs());
      return PURGED;
    }
    if (result instanceof Result.Seeded r) {
      w.bool(r.stored());
      return SEEDED;
    }
    if (result instanceof Result.Woken r) {
      w.i32(r.jobs());
      return WOKEN;
    }
    if (result instanceof Result.Signaled r) {
      w.i64(r.id()).bool(r.duplicate()).bool(r.woke());
      return SIGNALED;
    }
    if (result instanceof Result.Fired r) {
      w.u8(r.outcome().code).i64(r.jobSeq());
      return FIRED;
    }
    if (result instanceof Result.Saved r) {
      w.bool(r.created()).i64(r.revision());
      return SAVED;
    }
    if (result instanceof Result.Ack) {
      return ACK;
    }
    throw new IllegalArgumentException("no wire layout for " + result);
  }

  /** Reads the payload of a result of type {@code type}. */
  static Result read(int type, WireReader r) {
    return switch (type) {
      case SUBMITTED -> readSubmitted(r);
      case SUBMITTED_AND_CLAIMED ->
          new Result.SubmittedAndClaimed(readSubmitted(r), Lists.read(r, ResultWire::readClaimedJob));
      case REJECTED -> new Result.Rejected(Result.Reason.of(r.u16()), r.str());
      case CLAIMED -> new Result.Claimed(Lists.read(r, ResultWire::readClaimedJob));
      case CLAIMED_WITHOUT_MODULE -> new Result.Claimed(Lists.read(r, ResultWire::readClaimedJobWithoutModule));
      case STALE -> new Result.Stale(Lists.read(r, JobRef::read));
      case DONE -> new Result.Done(readStatus(r));
      case EXPIRED -> new Result.Expired(r.i32(), r.i32());
      case PURGED -> new Result.Purged(r.i32());
      case SEEDED -> new Result.Seeded(r.bool());
      case WOKEN -> new Result.Woken(r.i32());
      case SIGNALED -> new Result.Signaled(r.i64(), r.bool(), r.bool());
      case FIRED -> new Result.Fired(Result.Fired.Outcome.of(r.u8()), r.i64());
      case SAVED -> new Result.Saved(r.bool(), r.i64());
      case ACK -> new Result.Ack();
      default -> throw new MalformedCommandException("unknown result type " + type);
    };
  }

  private static void writeSubmitted(Result.Submitted s, WireWriter w) {
    w.i64(s.seq()).bool(s.duplicate());
  }

  private static Result.Submitted readSubmitted(WireReader r) {
    return new Result.Submitted(r.i64(), r.bool());
  }

  private static void writeClaimedJob(Result.ClaimedJob j, WireWriter w) {
    j.ref().writeTo(w);
    w.str(j.workflow()).str(j.input()).i64(j.timeoutMs()).i64(j.leaseUntil()).i32(j.failures())
        .i32(j.maxAttempts()).optStr(j.moduleSha256()).i32(j.execution()).i32(j.historySteps());
  }

  private static Result.ClaimedJob readClaimedJob(WireReader r) {
    return new Result.ClaimedJob(JobRef.read(r), r.str(), r.str(), r.i64(), r.i64(), r.i32(), r.i32(),
        r.optStr(), r.i32(), r.i32());
  }

  /** A claimed job in a type-3 result: no module version, the first execution, no history. */
  private static Result.ClaimedJob readClaimedJobWithoutModule(WireReader r) {
    return new Result.ClaimedJob(JobRef.read(r), r.str(), r.str(), r.i64(), r.i64(), r.i32(), r.i32(), null, 1, 0);
  }

  private static JobStatus readStatus(WireReader r) {
    String s = r.str();
    JobStatus status = JobStatus.parse(s);
    if (status == null) {
      throw new MalformedCommandException("unknown job status " + s);
    }
    return status;
  }
}
