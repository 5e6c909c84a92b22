package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.command.ClaimJobs;
import io.mvmci.command.Command;
import io.mvmci.command.Effects;
import io.mvmci.command.Result;
import io.mvmci.command.SubmitJob;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyListenersTest {
  static SubmitJob submit() {
    return new SubmitJob(1, "noop", "{}", null, 0, 0, 1, 1, null);
  }

  /** The fan-out passes on every kind of effect: a new one it forgot would be silently dropped. */
  @Test
  void theFanOutForwardsEveryEffect() throws Exception {
    Class<?> fanOut = Class.forName(ApplyListeners.class.getName() + "$FanOut");
    for (Method m : Effects.class.getDeclaredMethods()) {
      if (m.isSynthetic() || m.getName().equals("reloaded")) {
        continue; // reloaded is not an entry's effect; ApplyListeners.reloaded forwards it
      }
      assertThat(fanOut.getDeclaredMethod(m.getName(), m.getParameterTypes()))
          .as("FanOut overrides %s", m.getName()).isNotNull();
    }
  }

  @Test
  void workReadyGoesOutOncePerEntryAndAFailingPartDoesNotSilenceTheOthers() {
    ApplyListeners listeners = new ApplyListeners();
    List<String> heard = new ArrayList<>();
    listeners.add(new Effects() {
      @Override
      public void jobSubmitted(long seq, long at) {
        throw new IllegalStateException("a broken part");
      }
    });
    listeners.add(new Effects() {
      @Override
      public void workReady() {
        heard.add("ready");
      }

      @Override
      public void jobSubmitted(long seq, long at) {
        heard.add("job-" + seq);
      }
    });
    List<Command> batch = List.of(submit(), submit(), new ClaimJobs(2, "w", 1, 1));
    listeners.applied(9, batch, List.of(new Result.Submitted(0, false), new Result.Submitted(1, false),
        new Result.Claimed(List.of())));
    assertThat(heard).containsExactly("job-0", "job-1", "ready");
  }

  @Test
  void aRepeatedSubmissionAnnouncesNothing() {
    ApplyListeners listeners = new ApplyListeners();
    List<String> heard = new ArrayList<>();
    listeners.add(new Effects() {
      @Override
      public void workReady() {
        heard.add("ready");
      }
    });
    listeners.applied(3, List.of(submit()), List.of(new Result.Submitted(0, true)));
    assertThat(heard).isEmpty();
  }

  @Test
  void anIndexedPartHearsTheEntrysIndexAroundItsEffects() {
    ApplyListeners listeners = new ApplyListeners();
    List<String> heard = new ArrayList<>();
    class Part implements Effects, ApplyListeners.Indexed {
      @Override
      public void entryStarts(long index) {
        heard.add("start " + index);
      }

      @Override
      public void entryEnds(long index) {
        heard.add("end " + index);
      }

      @Override
      public void jobSubmitted(long seq, long at, String workflow) {
        heard.add("job-" + seq + " " + workflow);
      }
    }
    listeners.add(new Part());
    listeners.applied(12, List.of(submit()), List.of(new Result.Submitted(4, false)));
    assertThat(heard).containsExactly("start 12", "job-4 noop", "end 12");
  }
}
