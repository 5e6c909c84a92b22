package io.mvmci.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The registry of command types is complete: every type has a sample here that round-trips through
 * its own reader, so a new command without a registered reader, or registered under another type's
 * reader, fails this test (its record, apply and announce are checked by the compiler).
 */
class CommandTypeTest {
  static final long T = 1_700_000_000_000L;
  static final JobRef REF = new JobRef(7, 2);
  static final byte[] WASM = {0, 'a', 's', 'm'};

  static final Map<CommandType, Command> SAMPLES = new EnumMap<>(Map.ofEntries(
      Map.entry(CommandType.SUBMIT_JOB, CommandCodecTest.SUBMIT),
      Map.entry(CommandType.CLAIM_JOBS, new ClaimJobs(T, "w", 4, 3_000)),
      Map.entry(CommandType.HEARTBEAT, new Heartbeat(T, "w", "node", 1, 4, 3_000, List.of(REF))),
      Map.entry(CommandType.REPORT_PROGRESS, new ReportProgress(T, "w", List.of())),
      Map.entry(CommandType.COMPLETE_JOB, new CompleteJob(T, "w", REF, "{}")),
      Map.entry(CommandType.FAIL_JOB, new FailJob(T, "w", REF, "e", false, 0, "{}")),
      Map.entry(CommandType.RELEASE_JOB, new ReleaseJob(T, "w", REF, "stop")),
      Map.entry(CommandType.CANCEL_JOB, new CancelJob(T, 7, "alice")),
      Map.entry(CommandType.EXPIRE_LEASES, new ExpireLeases(T, T - 1)),
      Map.entry(CommandType.ISSUE_TICKET, new IssueTicket(T, "t1", "ab", "laptop")),
      Map.entry(CommandType.REVOKE_TICKET, new RevokeTicket(T, "t1")),
      Map.entry(CommandType.DEPLOY_MODULE, new DeployModule(T, "m", "ab", WASM)),
      Map.entry(CommandType.PURGE_JOBS, new PurgeJobs(T, T - 1, 10)),
      Map.entry(CommandType.SEED_MODULE, new SeedModule(T, "m", "ab", WASM)),
      Map.entry(CommandType.APPEND_STEPS, new AppendSteps(T, "w", REF, List.of(
          new AppendSteps.Write(0, "now_ms", new byte[] {1, 2}, "", 0, 0, new byte[8], true),
          new AppendSteps.Write(1, "http_request", new byte[] {3}, "GET /", 0, 0, new byte[0], false)),
          new AppendSteps.Limits(1 << 20, 1 << 25, 10_000))),
      Map.entry(CommandType.SUBMIT_JOB_WITH_OPTIONS, new SubmitJob(T, "m", "{}", null, 0, T, 3, 1_000, null,
          new JobOptions("ab"))),
      Map.entry(CommandType.PROMOTE_MODULE, new PromoteModule(T, "m", "ab")),
      Map.entry(CommandType.DELETE_MODULE, new DeleteModule(T, "m", "ab")),
      Map.entry(CommandType.SUSPEND_JOB, new SuspendJob(T, "w", REF, "signal:go", T + 1, 3)),
      Map.entry(CommandType.WAKE_JOBS, new WakeJobs(T, 100)),
      Map.entry(CommandType.SEND_SIGNAL, new SendSignal(T, 7, "go", "{}", "k1")),
      Map.entry(CommandType.RETRY_JOB, new RetryJob(T, 7, "alice")),
      Map.entry(CommandType.PUT_SCHEDULE, PutSchedule.define(T, "s", false, new ScheduleSpec("0 * * * * *", "UTC", "m",
          "{}", null, 0, 3, 1_000, null, ScheduleSpec.Overlap.QUEUE, ScheduleSpec.CatchUp.LAST), false, T + 1_000)),
      Map.entry(CommandType.DELETE_SCHEDULE, new DeleteSchedule(T, "s")),
      Map.entry(CommandType.FIRE_SCHEDULE, new FireSchedule(T, "s", FireSchedule.Kind.CATCH_UP, T - 120_000, T - 61_000,
          T + 1_000, 2)),
      Map.entry(CommandType.CLAIM_JOBS_WITH_LABELS, new ClaimJobs(T, "w", 4, 3_000, List.of("gpu", "arm64"))),
      Map.entry(CommandType.HEARTBEAT_WITH_LABELS, new Heartbeat(T, "w", "remote", 0, 4, 3_000, List.of(REF),
          List.of("gpu"))),
      Map.entry(CommandType.ISSUE_TICKET_WITH_LABELS, new IssueTicket(T, "t1", "ab", "laptop", List.of("gpu"))),

      Map.entry(CommandType.RECORD_ARTIFACT, new RecordArtifact(T, 7, "a", 3, "ab".repeat(32), "nodes:1", 10, 2)),
      Map.entry(CommandType.SUBMIT_AND_CLAIM, new SubmitAndClaim(CommandCodecTest.SUBMIT,
          new ClaimJobs(T, "node-1", 1, 3_000))),
      Map.entry(CommandType.CHECK_CONSISTENCY, new CheckConsistency(T, "api")),
      Map.entry(CommandType.REPORT_DIGEST, new ReportDigest(T, 40, 2, 11, "ab", 5, "jobs=0011/5"))));

  @Test
  void everyTypeHasASampleThatRoundTripsThroughItsOwnReader() {
    assertThat(SAMPLES.keySet()).as("a sample per command type").isEqualTo(EnumSet.allOf(CommandType.class));
    SAMPLES.forEach((type, sample) -> {
      assertThat(sample.type()).isEqualTo(type);
      assertThat(CommandCodec.decode(CommandCodec.encode(sample))).as(type.name()).containsExactly(sample);
    });
  }

  @Test
  void codesAreTheReleasedOnes() {
    int code = 1;
    for (CommandType t : CommandType.values()) {
      while (RESERVED.contains(code)) {
        code++;
      }
      assertThat(t.code).as("codes are appended in order, never reused: %s", t).isEqualTo(code++);
    }
  }

  /** Codes allotted but not used yet (29, dispatch's): the next command of that kind takes it. */
  static final java.util.Set<Integer> RESERVED = java.util.Set.of(29);

  @Test
  void consistencyLayoutsKeepTheirBytes() {
    // type 32: when, by whom
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.CHECK_CONSISTENCY))))
        .isEqualTo("0020" + "0000000f" + "0000018bcfe56800" + "00000003617069");
    // type 33: when, the check's index, the node, its schema, the digest, rows, the table digests
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.REPORT_DIGEST))))
        .isEqualTo("0021" + "00000035" + "0000018bcfe56800" + "0000000000000028" + "00000002" + "0000000b"
            + "000000026162" + "0000000000000005" + "0000000b6a6f62733d303031312f35");
  }

  @Test
  void dispatchLayoutsKeepTheirBytes() {
    // type 26: a claim, then the labels as a list of strings (sorted: arm64, gpu)
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.CLAIM_JOBS_WITH_LABELS))))
        .isEqualTo("001a" + "0000002d" + "0000018bcfe56800" + "0000000177" + "00000004" + "0000000000000bb8"
            + "00000002" + "0000000561726d3634" + "00000003677075");
    // type 27: a heartbeat, then the labels
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.HEARTBEAT_WITH_LABELS))))
        .isEqualTo("001b" + "00000042" + "0000018bcfe56800" + "0000000177" + "0000000672656d6f7465" + "00000000"
            + "00000004" + "0000000000000bb8" + "00000001" + "0000000000000007" + "00000002"
            + "00000001" + "00000003677075");
    // type 28: a ticket, then the labels its holder may use
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.ISSUE_TICKET_WITH_LABELS))))
        .isEqualTo("001c" + "00000029" + "0000018bcfe56800" + "00000002" + "7431" + "00000002" + "6162"
            + "000000066c6170746f70" + "00000001" + "00000003677075");
    // job options 5-8: labels, concurrency key, limit, policy
    SubmitJob grouped = new SubmitJob(T, "m", "{}", null, 0, T, 3, 1_000, null, JobOptions.NONE.withDispatch(
        new io.mvmci.job.Dispatch(List.of("gpu"), "k", 2, io.mvmci.job.ConcurrencyPolicy.SKIP)));
    assertThat(CommandCodec.decode(CommandCodec.encode(List.of(grouped)))).containsExactly(grouped);
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(grouped))).endsWith("00000004"
        + "0005" + "0000000b" + "00000001" + "00000003677075"
        + "0006" + "00000005" + "000000016b"
        + "0007" + "00000004" + "00000002"
        + "0008" + "00000008" + "00000004736b6970");
  }

  @Test
  void newLayoutsKeepTheirBytes() {
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.SUBMIT_JOB_WITH_OPTIONS))))
        .isEqualTo("0010" + "0000003d" + "0000018bcfe56800" + "000000016d" + "000000027b7d" + "00" + "00000000"
            + "0000018bcfe56800" + "00000003" + "00000000000003e8" + "00" + "00000001" + "0001" + "00000006"
            + "000000026162");
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.APPEND_STEPS))))
        .isEqualTo("000f" + "00000089" + "0000018bcfe56800" + "0000000177" + "0000000000000007" + "00000002"
            + "00000002"
            + "00000000" + "000000066e6f775f6d73" + "000000020102" + "00000000" + "00000000" + "00000000"
            + "000000080000000000000000" + "01"
            + "00000001" + "0000000c687474705f72657175657374" + "0000000103" + "00000005474554202f"
            + "00000000" + "00000000" + "00000000" + "00"
            + "00100000" + "0000000002000000" + "00002710");
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.PROMOTE_MODULE))))
        .isEqualTo("0011" + "00000013" + "0000018bcfe56800" + "000000016d" + "000000026162");
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.DELETE_MODULE))))
        .isEqualTo("0012" + "00000013" + "0000018bcfe56800" + "000000016d" + "000000026162");
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.SUSPEND_JOB))))
        .isEqualTo("0013" + "0000004a" + "0000018bcfe56800" + "0000000177" + "0000000000000007" + "00000002"
            + "000000097369676e616c3a676f" + "0000018bcfe56801" + "0000000000000003"
            + "00000000" + "00000000" + "0000000000000000" + "00000000");
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.WAKE_JOBS))))
        .isEqualTo("0014" + "0000000c" + "0000018bcfe56800" + "00000064");
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.SEND_SIGNAL))))
        .isEqualTo("0015" + "00000023" + "0000018bcfe56800" + "0000000000000007" + "00000002676f" + "000000027b7d"
            + "01" + "000000026b31");
    SubmitJob child = new SubmitJob(T, "m", "{}", null, 0, T, 3, 1_000, null, JobOptions.NONE.withParent(5, true));
    assertThat(CommandCodec.decode(CommandCodec.encode(List.of(child)))).containsExactly(child);
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(child))).endsWith("00000002" + "0002" + "00000008"
        + "0000000000000005" + "0003" + "00000001" + "01");
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.RETRY_JOB))))
        .isEqualTo("0016" + "00000019" + "0000018bcfe56800" + "0000000000000007" + "00000005616c696365");
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.PUT_SCHEDULE))))
        .isEqualTo("0017" + "00000054" + "0000018bcfe56800" + "0000000173" + "02"
            + "0000000b" + "30202a202a202a202a202a" + "00000003555443"
            + "000000016d" + "000000027b7d" + "00" + "00000000" + "00000003" + "00000000000003e8" + "00" + "02" + "02"
            + "00" + "0000018bcfe56be8" + "ffffffffffffffff");
    PutSchedule resume = PutSchedule.resume(T, "s", T + 1_000, 4);
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(resume)))
        .isEqualTo("0017" + "0000001e" + "0000018bcfe56800" + "0000000173" + "04" + "0000018bcfe56be8" + "0000000000000004");
    assertThat(CommandCodec.decode(CommandCodec.encode(List.of(resume, PutSchedule.pause(T, "s")))))
        .containsExactly(resume, PutSchedule.pause(T, "s"));
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.DELETE_SCHEDULE))))
        .isEqualTo("0018" + "0000000d" + "0000018bcfe56800" + "0000000173");
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.FIRE_SCHEDULE))))
        .isEqualTo("0019" + "0000002a" + "0000018bcfe56800" + "0000000173" + "02" + "0000018bcfe39340"
            + "0000018bcfe479b8" + "0000018bcfe56be8" + "00000002");
    SubmitJob queued = new SubmitJob(T, "m", "{}", null, 0, T, 3, 1_000, "k", JobOptions.NONE.after(5));
    assertThat(CommandCodec.decode(CommandCodec.encode(List.of(queued)))).containsExactly(queued);
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(queued))).endsWith("00000001" + "0004" + "00000008"
        + "0000000000000005");
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.RECORD_ARTIFACT))))
        .isEqualTo("001e" + "00000078" + "0000018bcfe56800" + "0000000000000007" + "0000000161"
            + "0000000000000003" + "00000040" + "6162".repeat(32) + "000000076e6f6465733a31"
            + "000000000000000a" + "00000002");
    assertThat(CommandCodec.decode(CommandCodec.encode(List.of(CommandCodecTest.SUBMIT))))
        .as("a submission without options keeps the type-1 layout").containsExactly(CommandCodecTest.SUBMIT);
    assertThat(CommandCodecTest.SUBMIT.type()).isEqualTo(CommandType.SUBMIT_JOB);
  }

  @Test
  void aSubmissionWithAClaimKeepsItsBytes() {
    // type 31: the submission's type and payload as type 1 frames it, then the claim's (type 2), then no labels
    String submit = HexFormat.of().formatHex(CommandCodec.frame(CommandCodecTest.SUBMIT)).substring(12);
    String claim = "0000018bcfe56800" + "000000066e6f64652d31" + "00000001" + "0000000000000bb8" + "00";
    String payload = "0001" + submit + claim;
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.SUBMIT_AND_CLAIM))))
        .isEqualTo("001f" + "%08x".formatted(payload.length() / 2) + payload);
  }

  @Test
  void seedModuleKeepsItsBytes() {
    // type 14, length 27: at, name "m", sha256 "ab", wasm (4 bytes)
    String golden = "000e" + "0000001b" + "0000018bcfe56800" + "000000016d" + "000000026162" + "000000040061736d";
    assertThat(HexFormat.of().formatHex(CommandCodec.frame(SAMPLES.get(CommandType.SEED_MODULE))))
        .isEqualTo(golden);
    assertThat(CommandCodec.decode(CommandCodec.envelope(List.of(HexFormat.of().parseHex(golden)))))
        .containsExactly(SAMPLES.get(CommandType.SEED_MODULE));
  }
}
