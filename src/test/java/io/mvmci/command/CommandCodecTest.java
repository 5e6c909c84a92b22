package io.mvmci.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvmci.job.JobStatus;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes: today's log must stay readable by tomorrow's code. If one of these fails, a released
 * wire layout changed; give the new layout a new type code instead.
 */
class CommandCodecTest {
  static final HexFormat HEX = HexFormat.of();

  static final SubmitJob SUBMIT = new SubmitJob(1_700_000_000_123L, "crawler",
      "{\"url\":\"https://example.com\"}", "https://example.com", 5, 1_700_000_060_000L, 3, 300_000L,
      "key-1");

  static final String SUBMIT_GOLDEN = "4d0100000001"
      + "0001" + "0000006e"
      + "0000018bcfe5687b"
      + "00000007" + "637261776c6572"
      + "0000001d" + "7b2275726c223a2268747470733a2f2f6578616d706c652e636f6d227d"
      + "01" + "00000013" + "68747470733a2f2f6578616d706c652e636f6d"
      + "00000005"
      + "0000018bcfe65260"
      + "00000003"
      + "00000000000493e0"
      + "01" + "00000005" + "6b65792d31";

  @Test
  void submitJobVersion1KeepsItsBytes() {
    assertThat(HEX.formatHex(CommandCodec.encode(SUBMIT))).isEqualTo(SUBMIT_GOLDEN);
    assertThat(CommandCodec.decode(HEX.parseHex(SUBMIT_GOLDEN))).containsExactly(SUBMIT);
  }

  static final long T = 1_700_000_000_000L;
  static final JobRef REF = new JobRef(7, 2);

  /** Each work-distribution command and its frame (type, length, payload), pinned. */
  static final Map<Command, String> FRAMES = Map.of(
      new ClaimJobs(T, "node-1", 16, 3_000),
      "00020000001e0000018bcfe56800000000066e6f64652d31000000100000000000000bb8",
      new Heartbeat(T, "node-1", "node", 1, 4, 3_000, List.of(REF)),
      "00030000003a0000018bcfe56800000000066e6f64652d31000000046e6f646500000001000000040000000000000bb8"
          + "00000001000000000000000700000002",
      new ReportProgress(T, "node-1", List.of(new ReportProgress.Item(REF, 40, "fetched",
          List.of(new ReportProgress.Line(T, 1, "GET /"))))),
      "0004000000470000018bcfe56800000000066e6f64652d310000000100000000000000070000000200000028"
          + "0000000766657463686564000000010000018bcfe568000100000005474554202f",
      new CompleteJob(T, "node-1", REF, "{}"),
      "0005000000240000018bcfe56800000000066e6f64652d31000000000000000700000002000000027b7d",
      new FailJob(T, "node-1", REF, "HTTP 503", true, T + 1_000, null),
      "0006000000340000018bcfe56800000000066e6f64652d3100000000000000070000000200000008485454502035"
          + "3033010000018bcfe56be800",
      new ReleaseJob(T, "node-1", REF, "stop"),
      "0007000000260000018bcfe56800000000066e6f64652d310000000000000007000000020000000473746f70",
      new CancelJob(T, 7, "alice"),
      "0008000000190000018bcfe56800000000000000000700000005616c696365",
      new ExpireLeases(T, T - 10_000),
      "0009000000100000018bcfe568000000018bcfe540f0",
      new PurgeJobs(T, T - 86_400_000, 1000),
      "000d000000140000018bcfe568000000018bcabf0c00000003e8");

  @Test
  void workDistributionCommandsKeepTheirBytes() {
    FRAMES.forEach((command, golden) -> {
      assertThat(HEX.formatHex(CommandCodec.frame(command))).as(command.toString()).isEqualTo(golden);
      byte[] entry = CommandCodec.envelope(List.of(HEX.parseHex(golden)));
      assertThat(CommandCodec.decode(entry)).containsExactly(command);
    });
  }

  @Test
  void workDistributionResultsKeepTheirBytes() {
    List<Result> results = List.of(
        new Result.Claimed(List.of(new Result.ClaimedJob(REF, "noop", "{}", 60_000, T + 3_000, 1, 3, "ab", 2, 5))),
        new Result.Stale(List.of(REF)), new Result.Done(JobStatus.Retrying), new Result.Expired(2, 1),
        new Result.Purged(5), new Result.Seeded(true));
    String golden = "4d0100000006"
        + "00090000004500000001000000000000000700000002000000046e6f6f70000000027b7d000000000000ea60"
        + "0000018bcfe573b8000000010000000301000000026162" + "00000002" + "00000005"
        + "0004000000100000000100000000000000070000000200050000000c000000085265747279696e67"
        + "0006000000080000000200000001"
        + "00080000000400000005"
        + "000a0000000101";
    assertThat(HEX.formatHex(ResultCodec.encode(results))).isEqualTo(golden);
    assertThat(ResultCodec.decode(HEX.parseHex(golden))).isEqualTo(results);
  }

  /** A claim's result before claims named the module version (type 3) still reads, with no version. */
  @Test
  void claimedResultsWithoutAModuleVersionStillRead() {
    String golden = "4d0100000001"
        + "00030000003600000001000000000000000700000002000000046e6f6f70000000027b7d000000000000ea60"
        + "0000018bcfe573b80000000100000003";
    assertThat(ResultCodec.decode(HEX.parseHex(golden))).containsExactly(
        new Result.Claimed(List.of(new Result.ClaimedJob(REF, "noop", "{}", 60_000, T + 3_000, 1, 3, null, 1, 0))));
  }

  @Test
  void absentOptionalFieldsRoundTrip() {
    SubmitJob bare = new SubmitJob(1, "noop", "{}", null, 0, 0, 1, 1, null);
    assertThat(CommandCodec.decode(CommandCodec.encode(List.of(bare, SUBMIT))))
        .containsExactly(bare, SUBMIT);
  }

  @Test
  void resultsKeepTheirBytes() {
    List<Result> results = List.of(new Result.Submitted(7, true),
        new Result.Rejected(Result.Reason.STALE_CLAIM, "stale"));
    String golden = "4d0100000002"
        + "0001" + "00000009" + "000000000000000701"
        + "0002" + "0000000b" + "0002" + "000000057374616c65";
    assertThat(HEX.formatHex(ResultCodec.encode(results))).isEqualTo(golden);
    assertThat(ResultCodec.decode(HEX.parseHex(golden))).isEqualTo(results);
  }

  @Test
  void scheduleResultsKeepTheirBytes() {
    List<Result> results = List.of(new Result.Fired(Result.Fired.Outcome.QUEUED, 7), new Result.Saved(true, 3),
        new Result.Rejected(Result.Reason.CONFLICT, "x"));
    String golden = "4d0100000003"
        + "000d" + "00000009" + "02" + "0000000000000007"
        + "000e" + "00000009" + "01" + "0000000000000003"
        + "0002" + "00000007" + "0008" + "0000000178";
    assertThat(HEX.formatHex(ResultCodec.encode(results))).isEqualTo(golden);
    assertThat(ResultCodec.decode(HEX.parseHex(golden))).isEqualTo(results);
  }

  @Test
  void waitAndEagerStartResultsKeepTheirBytes() {
    List<Result> results = List.of(new Result.Ack(), new Result.Woken(3), new Result.Signaled(9, false, true),
        new Result.SubmittedAndClaimed(new Result.Submitted(4, false),
            List.of(new Result.ClaimedJob(new JobRef(4, 1), "noop", "{}", 60_000, T + 3_000, 0, 3, "ab", 1, 0))));
    String golden = "4d0100000004"
        + "0007" + "00000000"
        + "000b" + "00000004" + "00000003"
        + "000c" + "0000000a" + "0000000000000009" + "00" + "01"
        + "000f" + "0000004e" + "0000000000000004" + "00" + "00000001"
        + "000000000000000400000001000000046e6f6f70000000027b7d000000000000ea60"
        + "0000018bcfe573b8000000000000000301000000026162" + "00000001" + "00000000";
    assertThat(HEX.formatHex(ResultCodec.encode(results))).isEqualTo(golden);
    assertThat(ResultCodec.decode(HEX.parseHex(golden))).isEqualTo(results);
  }

  /** Every result type has a layout ({@link ResultWire}): a record added without one fails here. */
  @Test
  void everyResultTypeRoundTrips() {
    Result.ClaimedJob job = new Result.ClaimedJob(REF, "noop", "{}", 60_000, T, 0, 3, "ab", 1, 0);
    List<Result> samples = List.of(new Result.Submitted(1, false),
        new Result.SubmittedAndClaimed(new Result.Submitted(1, true), List.of(job)),
        new Result.Rejected(Result.Reason.INVALID, "no"), new Result.Claimed(List.of(job)),
        new Result.Stale(List.of(REF)), new Result.Done(JobStatus.Completed), new Result.Expired(1, 2),
        new Result.Purged(3), new Result.Seeded(false), new Result.Woken(4), new Result.Signaled(5, true, false),
        new Result.Fired(Result.Fired.Outcome.SUBMITTED, 6), new Result.Saved(false, 7), new Result.Ack());
    assertThat(samples.stream().map(Object::getClass).distinct().toList())
        .containsExactlyInAnyOrder(Result.class.getPermittedSubclasses());
    assertThat(ResultCodec.decode(ResultCodec.encode(samples))).isEqualTo(samples);
  }

  @Test
  void malformedEntriesAreRefusedWithAReason() {
    byte[] good = HEX.parseHex(SUBMIT_GOLDEN);
    assertThatThrownBy(() -> CommandCodec.decode(new byte[] {0x4d}))
        .isInstanceOf(MalformedCommandException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> CommandCodec.decode(HEX.parseHex("4d02")))
        .hasMessageContaining("unknown envelope version 2");
    assertThatThrownBy(() -> CommandCodec.decode(HEX.parseHex("4d0100000001ffff00000000")))
        .hasMessageContaining("unknown command type 65535");
    assertThatThrownBy(() -> CommandCodec.decode(HEX.parseHex("4d0100000000")))
        .hasMessageContaining("command count 0");
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
    assertThatThrownBy(() -> CommandCodec.decode(truncated)).hasMessageContaining("truncated");
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> CommandCodec.decode(trailing)).hasMessageContaining("trailing");
    byte[] badUtf8 = good.clone();
    badUtf8[6 + 6 + 8 + 4] = (byte) 0xff; // first byte of the workflow name
    assertThatThrownBy(() -> CommandCodec.decode(badUtf8)).hasMessageContaining("UTF-8");
  }
}
