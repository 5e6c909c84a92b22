package io.mvmci.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
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
