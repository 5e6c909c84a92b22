package io.mvmci.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.job.Labels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** [workers] labels checks labels by the rule of {@link Labels} (config cannot use it: it sits below job). */
class LabelRulesTest {
  @Test
  void theConfigurationAcceptsExactlyTheLabelsJobsAndWorkersAccept() {
    for (String l : List.of("gpu", "arm64", "os:linux", "big-mem", "a.b_c", "", "GPU", "-x", "has space", "x".repeat(64),
        "x".repeat(65), "é")) {
      assertThat(WorkersSection.LABEL.matcher(l).matches()).as(l).isEqualTo(Labels.problem(l) == null);
    }
    assertThat(WorkersSection.MAX_LABELS).isEqualTo(Labels.MAX);
  }
}
