package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressCoalescerTest {
  private final RecordingSink sink = new RecordingSink();
  private final ProgressCoalescer coalescer = new ProgressCoalescer(sink, Clock.systemUTC(), 3, 1000);

  @Test
  void latestProgressWinsAndEachRunGetsOneUpdatePerFlush() {
    coalescer.progress("a", 10, "one");
    coalescer.progress("a", 20, "two");
    coalescer.progress("b", 5, "b");
    coalescer.flushAll();

    assertThat(sink.batches()).hasSize(1);
    assertThat(sink.batches().get(0)).hasSize(2);
    assertThat(sink.progress("a")).containsExactly(new ProgressUpdate.Progress(20, "two"));
  }

  @Test
  void nothingIsPublishedWhenNothingChanged() {
    coalescer.progress("a", 10, "one");
    coalescer.flushAll();
    coalescer.flushAll();
    assertThat(sink.batches()).hasSize(1);
  }

  @Test
  void logLinesPastTheLimitAreCountedAsDropped() {
    for (int i = 0; i < 10; i++) {
      coalescer.log("a", LogLevel.INFO, "line " + i);
    }
    coalescer.flushAll();
    coalescer.log("a", LogLevel.INFO, "next interval");
    coalescer.flushAll();

    assertThat(sink.logMessages("a"))
        .containsExactly("line 0", "line 1", "line 2", "7 log lines dropped (rate limit)", "next interval");
    assertThat(sink.updates("a").get(0).logLines().get(3).level()).isEqualTo(LogLevel.WARN);
  }

  @Test
  void logBytesPastTheLimitAreDropped() {
    coalescer.log("a", LogLevel.INFO, "x".repeat(900));
    coalescer.log("a", LogLevel.INFO, "y".repeat(200));
    coalescer.flushRun("a");
    assertThat(sink.logMessages("a")).containsExactly("x".repeat(900), "1 log lines dropped (rate limit)");
  }

  @Test
  void flushRunPublishesOnlyThatRun() {
    coalescer.progress("a", 1, "a");
    coalescer.progress("b", 2, "b");
    coalescer.flushRun("a");
    assertThat(sink.batches()).containsExactly(List.of(new ProgressUpdate("a", new ProgressUpdate.Progress(1, "a"),
        List.of())));
  }

  @Test
  void aFailingSinkLosesTheUpdatesButNotTheCoalescer() {
    List<ProgressUpdate> offered = new java.util.ArrayList<>();
    ProgressCoalescer failing = new ProgressCoalescer(u -> {
      offered.addAll(u);
      throw new IllegalStateException("raft is down");
    }, Clock.systemUTC(), 3, 1000);
    failing.progress("a", 1, "a");
    failing.flushAll();
    failing.progress("a", 2, "b");
    failing.flushAll();
    assertThat(offered).extracting(ProgressUpdate::progress)
        .containsExactly(new ProgressUpdate.Progress(1, "a"), new ProgressUpdate.Progress(2, "b"));
  }
}
