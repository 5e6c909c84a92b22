package io.mvmci.config;

import static io.mvmci.config.Toml.error;
import static io.mvmci.config.Toml.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import tools.jackson.dataformat.toml.TomlMapper;

/** jackson-dataformat-toml 3.1.5 misreads integers of 19+ digits; we refuse them instead. */
class HugeIntegersTest {
  /**
   * The bug itself, in the parser the build resolves (Spring Boot's Jackson BOM; fixed upstream in
   * 3.2.0, FasterXML/jackson-dataformats-text#663). When this fails, HugeIntegers can go.
   */
  @Test
  void theParserInUseStillMisreadsNineteenDigitsSilently() {
    TomlMapper toml = TomlMapper.builder().build();
    assertThat(toml.readTree("a = 1234567890123456789").get("a").longValue())
        .as("jackson-dataformat-toml %s reads 19 digits right: delete HugeIntegers, this test, and the "
            + "README's note", toml.version())
        .isEqualTo(123456789L);
    assertThat(toml.readTree("a = -99999999999999999999").get("a").bigIntegerValue().signum())
        .as("a negative 20-digit integer loses its sign").isEqualTo(1);
  }

  private static final String P = "invalid configuration (test.toml): ";

  @Test
  void nineteenDigitsAreRefusedWithTheirPosition() {
    // Without the guard this reads as lease_ms = 123456789 and would pass the range check.
    assertEquals(P + "line 2, column 12 = <integer of 19 digits>: no setting accepts an integer that large",
        error("[jobs]\nlease_ms = 1234567890123456789\n"));
  }

  @Test
  void underscoresSignsAndArraysAreCovered() {
    assertEquals(P + "line 1, column 9 = <integer of 19 digits>: no setting accepts an integer that large",
        error("x = [1, -1_234_567_890_123_456_789]\n"));
    assertEquals(P + "line 1, column 11 = <integer of 20 digits>: no setting accepts an integer that large",
        error("node_id = -99999999999999999999\n"));
  }

  @Test
  void digitsInsideStringsAndCommentsAreNotIntegers() {
    String secret = "1234567890123456789012345";
    NodeConfig c = parse("""
        # a comment with 1234567890123456789012
        [node]
        secret_raft = "%s"
        secret_api = '%s-api'
        data_dir = \"\"\"
        /data/1234567890123456789012\"\"\"
        [api]
        token = '''1234567890123456789012'''
        [jobs]
        lease_ms = 3000 # 99999999999999999999
        """.formatted(secret, secret));

    assertEquals(java.util.Optional.of(secret), c.secretRaft());
    assertEquals(3000, c.jobs().leaseMs());
  }

  @Test
  void datesFloatsAndLongKeysAreNotDecimalIntegers() {
    // Each is refused for its own reason, not as a huge integer.
    assertEquals(P + "node.node_id = \"1979-05-27T07:32:00Z\": must be an integer between 1 and 2147483647",
        error("[node]\nnode_id = 1979-05-27T07:32:00Z\n"));
    assertEquals(P + "node.node_id = 1234567890123456789.5: must be an integer between 1 and 2147483647",
        error("[node]\nnode_id = 1234567890123456789.5\n"));
  }

  @Test
  void eighteenDigitsStillReachTheRangeCheck() {
    assertEquals(P + "jobs.lease_ms = 123456789012345678: must be between 100 and 3600000 milliseconds",
        error("[jobs]\nlease_ms = 123456789012345678\n"));
  }
}
