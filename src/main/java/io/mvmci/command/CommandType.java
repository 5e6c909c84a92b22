package io.mvmci.command;

import java.util.function.Function;

/**
 * The registry of command type codes: each code, once released, keeps its wire layout forever, and
 * codes are only ever appended. A command that needs another field gets a new code (and a new
 * record); the old one stays readable, because logs and snapshots hold it.
 */
public enum CommandType {
  SUBMIT_JOB(1, SubmitJob::read),
  CLAIM_JOBS(2, ClaimJobs::read),
  HEARTBEAT(3, Heartbeat::read),
  REPORT_PROGRESS(4, ReportProgress::read),
  COMPLETE_JOB(5, CompleteJob::read),
  FAIL_JOB(6, FailJob::read),
  RELEASE_JOB(7, ReleaseJob::read),
  CANCEL_JOB(8, CancelJob::read),
  EXPIRE_LEASES(9, ExpireLeases::read),
  ISSUE_TICKET(10, IssueTicket::read),
  REVOKE_TICKET(11, RevokeTicket::read),
  DEPLOY_MODULE(12, DeployModule::read),
  PURGE_JOBS(13, PurgeJobs::read),
  SEED_MODULE(14, SeedModule::read),
  APPEND_STEPS(15, AppendSteps::read),
  SUBMIT_JOB_WITH_OPTIONS(16, SubmitJob::readWithOptions),
  PROMOTE_MODULE(17, PromoteModule::read),
  DELETE_MODULE(18, DeleteModule::read),
  SUSPEND_JOB(19, SuspendJob::read),
  WAKE_JOBS(20, WakeJobs::read),
  SEND_SIGNAL(21, SendSignal::read),
  RETRY_JOB(22, RetryJob::read),
  PUT_SCHEDULE(23, PutSchedule::read),
  DELETE_SCHEDULE(24, DeleteSchedule::read),
  FIRE_SCHEDULE(25, FireSchedule::read),
  CLAIM_JOBS_WITH_LABELS(26, ClaimJobs::readWithLabels),
  HEARTBEAT_WITH_LABELS(27, Heartbeat::readWithLabels),
  ISSUE_TICKET_WITH_LABELS(28, IssueTicket::readWithLabels),
  // 29 is dispatch's
  RECORD_ARTIFACT(30, RecordArtifact::read),
  SUBMIT_AND_CLAIM(31, SubmitAndClaim::read),
  CHECK_CONSISTENCY(32, CheckConsistency::read),
  REPORT_DIGEST(33, ReportDigest::read);

  private static final CommandType[] BY_CODE = new CommandType[64];

  static {
    for (CommandType t : values()) {
      if (BY_CODE[t.code] != null) {
        throw new ExceptionInInitializerError("command type code " + t.code + " used twice");
      }
      BY_CODE[t.code] = t;
    }
  }

  /** The code on the wire (u16). */
  public final int code;
  private final Function<WireReader, ? extends Command> reader;

  CommandType(int code, Function<WireReader, ? extends Command> reader) {
    this.code = code;
    this.reader = reader;
  }

  /** Decodes this type's payload; a malformation is a {@link MalformedCommandException}. */
  Command read(WireReader payload) {
    return reader.apply(payload);
  }

  /** The type with this code. */
  static CommandType of(int code) {
    CommandType t = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    if (t == null) {
      throw new MalformedCommandException("unknown command type " + code);
    }
    return t;
  }
}
