package io.mvmci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker command's options: the journal's fsync switch, and a clear refusal of a bad value. */
class RemoteWorkerOptionsTest {
  static final List<String> PLANE = List.of("--control-plane", "127.0.0.1:3020", "--token", "a-secret-api-value");

  static WorkerOptions parse(String... more) {
    List<String> args = new ArrayList<>(PLANE);
    args.addAll(List.of(more));
    return WorkerCommand.parse(args, Map.of());
  }

  @Test
  void labelsComeFromTheFlagOrTheEnvironmentAndAreChecked() {
    assertThat(parse().labels()).isEmpty();
    assertThat(parse("--labels", "gpu, arm64,gpu").labels()).containsExactly("arm64", "gpu");
    List<String> args = new java.util.ArrayList<>(List.of("--control-plane", "http://127.0.0.1:3020", "--token", "t"));
    assertThat(WorkerCommand.parse(args, Map.of("MVMCI_WORKER_LABELS", "linux")).labels()).containsExactly("linux");
    args.addAll(List.of("--labels", "x86"));
    assertThat(WorkerCommand.parse(args, Map.of("MVMCI_WORKER_LABELS", "linux")).labels())
        .as("the flag wins").containsExactly("x86");
    assertThatThrownBy(() -> parse("--labels", "GPU")).hasMessageContaining("--labels").hasMessageContaining("\"GPU\"");
  }

  @Test
  void theJournalIsFsyncedOnlyWhenAsked() {
    assertThat(parse().journalFsync()).isFalse();
    assertThat(parse("--journal-fsync", "true").journalFsync()).isTrue();
    assertThat(parse("--journal-fsync=false").journalFsync()).isFalse();
  }

  @Test
  void anythingButTrueOrFalseIsRefusedByName() {
    assertThatThrownBy(() -> parse("--journal-fsync", "full"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--journal-fsync must be true or false");
  }
}
