package io.mvmci.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSettingsTest {
  @Test
  void humanReadableByDefaultWithTheNodeIdOnEveryLine() {
    Map<String, Object> p = LogSettings.defaults(3, Map.of());
    assertThat(p).doesNotContainKey("logging.structured.format.console");
    assertThat((String) p.get("logging.pattern.correlation")).startsWith("[node-3").contains("%X{job_id}");
    assertThat(p).containsEntry("logging.structured.json.add.node_id", "3");
  }

  @Test
  void structuredFormatsAreSwitchedOnByTheEnvironment() {
    assertThat(LogSettings.defaults(1, Map.of("MVMCI_LOG_FORMAT", "ECS")))
        .containsEntry("logging.structured.format.console", "ecs");
    assertThat(LogSettings.defaults(1, Map.of("MVMCI_LOG_FORMAT", "logstash")))
        .containsEntry("logging.structured.format.console", "logstash");
    assertThat(LogSettings.defaults(1, Map.of("MVMCI_LOG_FORMAT", "text")))
        .doesNotContainKey("logging.structured.format.console");
  }

  @Test
  void anUnknownFormatIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> LogSettings.defaults(1, Map.of("MVMCI_LOG_FORMAT", "jsonl")))
        .hasMessageContaining("MVMCI_LOG_FORMAT = \"jsonl\"").hasMessageContaining("ecs");
  }
}
