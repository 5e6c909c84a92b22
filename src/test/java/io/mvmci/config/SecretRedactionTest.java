package io.mvmci.config;

import static io.mvmci.config.Toml.ENC_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Secrets never appear in an error message, in toString(), or in anything an exception carries. */
class SecretRedactionTest {
  private static final String SECRET = "S3cr3t-Value-Never-Print-Me";
  private static final String OTHER = "An0ther-Secret-Never-Print";
  private static final String KEY_B64 = Base64.getEncoder().encodeToString("Key-Bytes-Never-Print-32-bytes!!".getBytes());

  static Stream<Arguments> brokenFilesHoldingSecrets() {
    String nodes = "nodes = [\"1 127.0.0.1:9000 127.0.0.1:3020\", \"2 127.0.0.1:9002 127.0.0.1:3021\"]\n";
    return Stream.of(
        Arguments.of("secrets equal", "[node]\nsecret_raft = \"" + SECRET + "\"\nsecret_api = \"" + SECRET + "\"\n"),
        Arguments.of("misspelt secret key", "[node]\nsecrt_raft = \"" + SECRET + "\"\n"),
        Arguments.of("secret at top level", "secret_raft = \"" + SECRET + "\"\n"),
        Arguments.of("secret in misspelt section", "[hiqlte]\nsecret_raft = \"" + SECRET + "\"\n"),
        Arguments.of("syntax error after secret", "[node]\nsecret_raft = \"" + SECRET + "\" x\n"),
        Arguments.of("unterminated secret", "[node]\nsecret_raft = \"" + SECRET + "\n"),
        Arguments.of("secret as array", "[node]\nsecret_raft = [\"" + SECRET + "\"]\n"),
        Arguments.of("secret missing its peer", "[node]\nsecret_raft = \"" + SECRET + "\"\n" + nodes),
        Arguments.of("token too short", "[api]\ntoken = \"" + SECRET.substring(0, 15) + "\"\n"),
        Arguments.of("token as array", "[api]\ntoken = [\"" + SECRET + "\"]\n"),
        Arguments.of("misspelt token", "[api]\ntokne = \"" + SECRET + "\"\n"),
        Arguments.of("enc key without id", "[node]\nenc_keys = [\"" + SECRET + "\"]\n"),
        Arguments.of("enc key not base64", "[node]\nenc_keys = [\"k/" + SECRET + "\"]\n"),
        Arguments.of("enc key bad id", "[node]\nenc_keys = [\"bad id/" + KEY_B64 + "\"]\n"),
        Arguments.of("enc key duplicate", "[node]\nenc_keys = [\"k/" + KEY_B64 + "\", \"k/" + KEY_B64 + "\"]\n"),
        Arguments.of("enc keys not an array", "[node]\nenc_keys = \"k/" + KEY_B64 + "\"\n"),
        Arguments.of("huge integer secret", "[node]\nsecret_raft = 12345678901234567890123\n"),
        Arguments.of("other error with secrets set",
            "[node]\nsecret_raft = \"" + SECRET + "\"\nsecret_api = \"" + OTHER + "\"\nenc_keys = [\"k/" + KEY_B64
                + "\"]\nenc_key_active = \"k\"\n[api]\ntoken = \"" + SECRET + "-token\"\n[jobs]\nlease_ms = 1\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFilesHoldingSecrets")
  void messageNeverHoldsTheSecret(String name, String toml) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Toml.parse(toml));

    for (String text : new String[] {e.getMessage(), e.value(), e.reason(), e.field(), e.toString()}) {
      assertThat(text).doesNotContain("Never-Print").doesNotContain(KEY_B64).doesNotContain("12345678901234567890123");
    }
    assertThat(e.getMessage()).startsWith("invalid configuration (test.toml): ");
  }

  @Test
  void redactedValuesShowTheirLength() {
    String m = assertThrows(InvalidConfigException.class,
        () -> Toml.parse("[node]\nsecret_raft = \"" + SECRET + "\"\nsecret_api = \"" + SECRET + "\"\n")).getMessage();

    assertEquals("invalid configuration (test.toml): node.secret_api = <redacted, 27 chars>: must differ from node.secret_raft", m);
  }

  @Test
  void toStringOfTheWholeTreeHidesEverySecret() {
    NodeConfig c = Toml.parse("""
        [node]
        secret_raft = "%s"
        secret_api = "%s"
        enc_keys = ["k1/%s", "k2/%s"]
        enc_key_active = "k1"
        [api]
        token = "%s-token"
        """.formatted(SECRET, OTHER, KEY_B64, ENC_KEY, SECRET));

    String s = c.toString();

    assertThat(s).doesNotContain("Never-Print").doesNotContain(KEY_B64).doesNotContain(ENC_KEY);
    assertThat(s).contains("<redacted, 27 chars>").contains("<redacted, 26 chars>").contains("<redacted, 33 chars>");
    assertThat(s).contains("k1").contains("127.0.0.1:9000");
    assertThat(c.node().toString()).doesNotContain("Never-Print");
    assertThat(c.node().encKeys().toString()).doesNotContain(KEY_B64);
    assertThat(c.api().toString()).doesNotContain("Never-Print");
  }

  @Test
  void secretRevealsOnlyOnRequest() {
    Secret s = new Secret(SECRET);

    assertEquals("<redacted, 27 chars>", s.toString());
    assertEquals(SECRET, s.reveal());
    assertEquals(new Secret(SECRET), s);
    assertThat(new Secret(OTHER)).isNotEqualTo(s);
  }

  static Stream<Arguments> environmentsHoldingSecrets() {
    return Stream.of(
        Arguments.of("alias and rule name disagree", Map.of("SECRET_RAFT", SECRET, "MVMCI_NODE__SECRET_RAFT", OTHER)),
        Arguments.of("secret too short", Map.of("MVMCI_NODE__SECRET_API", SECRET.substring(0, 12))),
        Arguments.of("secrets equal", Map.of("SECRET_RAFT", SECRET, "SECRET_API", SECRET)),
        Arguments.of("misspelt secret variable", Map.of("MVMCI_NODE__SECRET_RAF", SECRET)),
        Arguments.of("secret in an unknown section", Map.of("MVMCI_NOD__SECRET_RAFT", SECRET)),
        Arguments.of("token too short", Map.of("API_TOKEN", SECRET.substring(0, 10))),
        Arguments.of("token disagrees", Map.of("API_TOKEN", SECRET, "MVMCI_API__TOKEN", OTHER)),
        Arguments.of("enc keys bad", Map.of("ENC_KEYS", "k/" + SECRET, "ENC_KEY_ACTIVE", "k")),
        Arguments.of("enc keys disagree", Map.of("ENC_KEYS", "k/" + KEY_B64, "MVMCI_NODE__ENC_KEYS", "j/" + KEY_B64)),
        Arguments.of("retired variable", Map.of("MVMCI_EXTRA_TOML", "[node]\nsecret_raft = \"" + SECRET + "\"")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("environmentsHoldingSecrets")
  void environmentMessagesNeverHoldTheSecret(String name, Map<String, String> env) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> ConfigLoader.load(java.util.Optional.empty(), env));

    for (String text : new String[] {e.getMessage(), e.value(), e.reason(), e.field(), e.toString()}) {
      assertThat(text).doesNotContain("S3cr3t").doesNotContain(KEY_B64).doesNotContain("An0ther");
    }
    assertThat(e.getMessage()).startsWith("invalid configuration (environment): ");
  }

  @Test
  void environmentErrorsDoNotEchoSecretsFromTheFile() {
    String m = assertThrows(InvalidConfigException.class,
        () -> Toml.parse("[node]\nsecret_raft = \"" + SECRET + "\"\n", Map.of("HTTP_PORT", "x"))).getMessage();

    assertThat(m).doesNotContain("Never-Print");
  }
}
