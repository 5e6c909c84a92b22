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
  void exampleValuesAreNamedInWarnings() {
    assertThat(load(1).node().exampleValues()).containsExactly("node.secret_raft", "node.secret_api", "node.enc_keys");
    assertThat(ConfigLoader.load(new String[0], Map.of("SECRET_RAFT", "mine-0123456789abcdef")).node().exampleValues())
        .isEmpty();
  }

  @Test
  void exampleSecretsSayTheyAreExamples() {
    assertThat(load(1).secretRaft().orElseThrow()).contains("EXAMPLE").contains("CHANGE-ME");
    assertThat(load(1).secretApi().orElseThrow()).contains("EXAMPLE").contains("CHANGE-ME");
    assertThat(new String(load(1).node().encKeys().get(0).bytes())).contains("EXAMPLE").contains("CHANGE");
  }

  @Test
  void readmeDocumentsEveryKeyInItsSectionWithItsRange() throws IOException {
    String readme = Files.readString(Path.of("config/README.md"));
    for (Section<?> s : Section.ALL) {
      String body = section(readme, s.name());
      for (String key : s.keys()) {
        assertThat(body).as("config/README.md [%s] documents %s", s.name(), key).contains("| `" + key + "` |");
        Optional<Range> range = s.range(key);
        if (range.isPresent() && range.get().max() != Integer.MAX_VALUE) {
          assertThat(row(body, key)).as("config/README.md [%s] %s gives the range", s.name(), key)
              .contains(range.get().min() + "-" + range.get().max());
        }
      }
      Matcher rows = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|").matcher(body);
      while (rows.find()) {
        assertThat(s.keys()).as("config/README.md [%s] documents a key that does not exist", s.name())
            .contains(rows.group(1));
      }
    }
    for (String variable : List.of("MVMCI_CONFIG", "MVMCI_NODE_ID", "MVMCI_DATA_DIR", "DATA_DIR", "HTTP_PORT", "--config")) {
      assertThat(readme).contains("`" + variable);
    }
  }

  @Test
  void readmeListsEveryAliasWithWhatItSets() throws IOException {
    String readme = Files.readString(Path.of("config/README.md"));
    for (Map.Entry<String, Environment.Target> a : Environment.ALIASES.entrySet()) {
      String target = a.getValue().port() == null
          ? "`" + a.getValue().section() + "." + a.getValue().key() + "`"
          : "this member's " + a.getValue().port() + " port";
      assertThat(readme).as("config/README.md lists alias %s", a.getKey())
          .containsPattern("(?m)^\\| `" + a.getKey() + "` \\| " + Pattern.quote(target));
    }
    for (String retired : Environment.RETIRED.keySet()) {
      assertThat(readme).contains("`" + retired + "`");
    }
  }

  @Test
  void everyIntegerKeyHasARange() {
    for (Section<?> s : Section.ALL) {
      for (String key : s.keys()) {
        if (s.kind(key) == Section.Kind.INTEGER) {
          assertThat(s.range(key)).as("%s.%s has a @Range", s.name(), key).isPresent();
        }
      }
    }
  }

  private static String row(String body, String key) {
    int start = body.indexOf("| `" + key + "` |");
    return body.substring(start, body.indexOf('\n', start));
  }

  private static String section(String readme, String name) {
    String heading = "### `[" + name + "]`";
    int start = readme.indexOf(heading);
    assertThat(start).as("config/README.md has a heading %s", heading).isGreaterThanOrEqualTo(0);
    int end = readme.indexOf("\n### ", start + heading.length());
    return readme.substring(start, end < 0 ? readme.length() : end);
  }
}
