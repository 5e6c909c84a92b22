package io.mvmci.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.Http;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * The Grafana dashboard and the Prometheus alert rules under {@code docs/} name only metrics a node
 * exports: a renamed metric fails here rather than in someone's monitoring.
 */
class MonitoringDocsTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final Pattern METRIC = Pattern.compile("\\bmvmci_[a-z_]+");

  @Test
  void theDashboardAndTheAlertsUseMetricsANodeExports() throws Exception {
    List<String> exprs = new ArrayList<>();
    JsonNode dashboard = Http.JSON.readTree(Files.readString(Path.of("docs/grafana-dashboard.json")));
    dashboard.get("panels").forEach(p -> p.path("targets").forEach(t -> exprs.add(t.get("expr").asString())));
    dashboard.get("templating").get("list").forEach(v -> exprs.add(v.path("query").asString("")));
    Map<String, Object> rules = new Yaml().load(Files.readString(Path.of("docs/prometheus-alerts.yml")));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> groups = (List<Map<String, Object>>) rules.get("groups");
    int alerts = 0;
    for (Map<String, Object> g : groups) {
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> list = (List<Map<String, Object>>) g.get("rules");
      for (Map<String, Object> r : list) {
        assertThat(r).containsKeys("alert", "expr", "annotations");
        exprs.add(String.valueOf(r.get("expr")));
        alerts++;
      }
    }
    assertThat(alerts).isGreaterThanOrEqualTo(8);
    Set<String> used = new TreeSet<>();
    exprs.forEach(e -> {
      Matcher m = METRIC.matcher(e);
      while (m.find()) {
        used.add(m.group());
      }
    });
    assertThat(used).contains("mvmci_queue_oldest_pending_age_seconds", "mvmci_jobs_submitted_total",
        "mvmci_jobs_finished_total");

    try (TestNode node = TestNode.cluster(dirs.create("mvmci-monitoring"), 1,
        "\n[workers]\nembedded = 1\n").get(0).start()) {
      String id = Http.post(node.url("/api/v1/jobs"), "application/json", "{\"workflow\":\"noop\"}").json()
          .get("job_id").asString();
      Http.get(node.url("/api/v1/jobs/" + id + "?wait_ms=20000"));
      Set<String> exported = new TreeSet<>();
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
        exported.clear();
        for (String line : Http.get(node.url("/actuator/prometheus")).body().split("\n")) {
          Matcher m = METRIC.matcher(line);
          if (!line.startsWith("#") && m.lookingAt()) {
            exported.add(m.group());
          }
        }
        assertThat(exported).containsAll(used);
      });
    }
  }
}
