package io.mvmci.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Coverage-guided fuzzing of configuration loading (issue 16): any TOML text, with no environment,
 * is a configuration or an {@link InvalidConfigException} (the one-line message the node prints
 * before it exits non-zero), never another exception or a stack trace. Seeds: {@code config/node1.toml}
 * and files that reach the original's {@code [hiqlite]} section, overflowing numbers and nested tables.
 */
class ConfigFuzzTest {
  @FuzzTest
  void parse(byte[] toml) {
    try {
      ConfigLoader.parse(new String(toml, StandardCharsets.UTF_8), "fuzz.toml", Map.of(), 2);
    } catch (InvalidConfigException refused) {
      // the contract: it names the field and the value
    }
  }
}
