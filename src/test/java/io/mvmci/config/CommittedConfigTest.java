package io.mvmci.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The files in config/ load, describe one cluster, and config/README.md documents every key. */
class CommittedConfigTest {

  private static NodeConfig load(int n) {
    return ConfigLoader.load(new String[] {"--config", "config/node" + n + ".toml"}, Map.of());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void eachNodeFileLoadsAsThatMember(int n) {
    NodeConfig c = load(n);

    assertEquals("config/node" + n + ".toml", c.source());
    assertEquals(n, c.nodeId());
    assertEquals(Path.of("./data/node" + n), c.dataDir());
    assertEquals(new HostPort("127.0.0.1", 9000 + 2 * (n - 1)), c.raftBind());
    assertEquals(new HostPort("127.0.0.1", 3020 + (n - 1)), c.httpBind());
    assertEquals(2, c.peers().size());
    assertThat(c.secretRaft()).isPresent();
    assertThat(c.secretApi()).isPresent();
    assertEquals(Optional.of("example"), c.node().activeEncKey().map(EncKey::id));
  }

  @Test
  void theThreeFilesDescribeOneCluster() {
    NodeConfig one = load(1);
    for (int n = 2; n <= 3; n++) {
      NodeConfig other = load(n);
      assertEquals(one.members(), other.members(), "nodes of node" + n);
      assertEquals(one.secretRaft(), other.secretRaft(), "secret_raft of node" + n);
      assertEquals(one.secretApi(), other.secretApi(), "secret_api of node" + n);
      assertEquals(one.node().encKeys(), other.node().encKeys(), "enc_keys of node" + n);
    }
    assertEquals(List.of(1, 2, 3), one.members().stream().map(Member::id).toList());
  }

  @Test
  void exampleSecretsSayTheyAreExamples() {
    assertThat(load(1).secretRaft().orElseThrow()).contains("EXAMPLE").contains("CHANGE-ME");
    assertThat(load(1).secretApi().orElseThrow()).contains("EXAMPLE").contains("CHANGE-ME");
    assertThat(new String(load(1).node().encKeys().get(0).bytes())).contains("EXAMPLE").contains("CHANGE");
  }

  @Test
  void readmeDocumentsEveryKeyInItsSection() throws IOException {
    String readme = Files.readString(Path.of("config/README.md"));
    Map<String, List<String>> sections = Map.of(
        "node", NodeSection.KEYS,
        "raft", RaftSection.KEYS,
        "api", ApiSection.KEYS,
        "workers", WorkersSection.KEYS,
        "jobs", JobsSection.KEYS);
    assertEquals(List.copyOf(ConfigLoader.SECTIONS).stream().sorted().toList(),
        sections.keySet().stream().sorted().toList());

    for (Map.Entry<String, List<String>> s : sections.entrySet()) {
      String body = section(readme, s.getKey());
      for (String key : s.getValue()) {
        assertThat(body).as("config/README.md [%s] documents %s", s.getKey(), key).contains("| `" + key + "` |");
      }
      Matcher rows = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|").matcher(body);
      while (rows.find()) {
        assertThat(s.getValue()).as("config/README.md [%s] documents a key that does not exist", s.getKey())
            .contains(rows.group(1));
      }
    }
    for (String variable : List.of("MVMCI_CONFIG", "MVMCI_NODE_ID", "MVMCI_DATA_DIR", "DATA_DIR", "HTTP_PORT", "--config")) {
      assertThat(readme).contains("`" + variable);
    }
  }

  private static String section(String readme, String name) {
    String heading = "### `[" + name + "]`";
    int start = readme.indexOf(heading);
    assertThat(start).as("config/README.md has a heading %s", heading).isGreaterThanOrEqualTo(0);
    int end = readme.indexOf("\n### ", start + heading.length());
    return readme.substring(start, end < 0 ? readme.length() : end);
  }
}
