package io.mvmci.workflow;

import static io.mvmci.workflow.HostFunctions.longBytes;
import static io.mvmci.workflow.HostFunctions.tagged;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TrapException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * ABI v3's host functions for one run (workflows/README.md): {@code await_signal}, {@code spawn_job}
 * and {@code await_job}, which need the cluster's {@link RunServices}. Holds the per-name signal state
 * (rebuilt as the run replays). {@link HostFunctions} delegates to it. Used only by the run's thread.
 */
final class WaitFunctions {
  static final int MAX_SIGNAL_NAME = 128;
  static final int MAX_SPAWN_REQUEST = 1024 * 1024;
  /** {@code await_signal}'s answers. */
  static final int SIGNAL_TAKEN = 0;
  static final int SIGNAL_TIMED_OUT = 1;
  private static final java.util.regex.Pattern SIGNAL_NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_SIGNAL_NAME + "}");

  private final HostServices services;
  private final RunJournal steps;
  /** The cluster's services, or null for a run of the engine on its own. */
  private final RunServices cluster;
  /** Where a call's result goes: the run's result buffer, read by {@code result_read}. */
  private final Consumer<byte[]> result;
  /** Per signal name, the id of the last signal this run consumed (rebuilt as the run replays). */
  private final java.util.Map<String, Long> lastSignal = new java.util.HashMap<>();

  WaitFunctions(HostServices services, RunJournal steps, RunServices cluster, Consumer<byte[]> result) {
    this.services = services;
    this.steps = steps;
    this.cluster = cluster;
    this.result = result;
  }

  /**
   * {@code await_signal} (ABI v3), two steps: the wait's deadline (journaled once, so a resumed run
   * keeps it), then the signal it consumed or its timeout. With nothing to deliver, a run of the
   * cluster gives its thread back until a signal of that name arrives or the deadline passes; a short
   * remaining wait is slept on the thread, then looked at once more.
   */
  int awaitSignal(Instance inst, int ptr, int len, long timeoutMs) {
    String name = Text.utf8(GuestMemory.read(inst.memory(), ptr, len), MAX_SIGNAL_NAME + 1);
    if (!SIGNAL_NAME.matcher(name).matches()) {
      throw new TrapException("await_signal: a signal name is 1-" + MAX_SIGNAL_NAME
          + " letters, digits, '.', '_', ':' or '-', not " + Text.quote(name, 80));
    }
    Step.Request wait = Step.Request.of(AbiImport.AWAIT_SIGNAL,
        ByteBuffer.allocate(8 + name.length()).putLong(timeoutMs).put(name.getBytes(StandardCharsets.UTF_8)).array(),
        "\"" + name + "\"" + (timeoutMs < 0 ? "" : " for up to " + timeoutMs + " ms"));
    Step recorded = steps.next(wait);
    long deadline;
    if (recorded != null) {
      deadline = ByteBuffer.wrap(recorded.result()).getLong();
    } else {
      long now = services.clock().millis();
      deadline = timeoutMs < 0 ? -1 : timeoutMs > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + timeoutMs;
      steps.recordLazily(wait, 0, longBytes(deadline)); // durable with the next step or the suspension
    }
    Step.Request take = Step.Request.of(AbiImport.AWAIT_SIGNAL, tagged(1, name), "\"" + name + "\" taken");
    Step got = steps.next(take);
    if (got == null) {
      got = takeSignal(services("await_signal"), take, name, deadline);
    }
    ByteBuffer r = ByteBuffer.wrap(got.result());
    long id = r.getLong();
    if (got.code() == SIGNAL_TAKEN) {
      lastSignal.put(name, id);
    }
    result.accept(java.util.Arrays.copyOfRange(got.result(), 8, got.result().length));
    return got.code();
  }

  /** The current (new) step of an {@code await_signal}: a signal, a timeout, or a suspension. */
  private Step takeSignal(RunServices s, Step.Request take, String name, long deadline) {
    long after = lastSignal.getOrDefault(name, 0L);
    while (true) {
      java.util.Optional<RunServices.Signal> signal = s.nextSignal(name, after);
      if (signal.isPresent()) {
        byte[] bytes = ByteBuffer.allocate(8 + signal.get().payload().length).putLong(signal.get().id())
            .put(signal.get().payload()).array();
        steps.record(take, SIGNAL_TAKEN, bytes);
        return new Step(steps.current(), take, true, SIGNAL_TAKEN, bytes);
      }
      long left = deadline < 0 ? Long.MAX_VALUE : deadline - services.clock().millis();
      if (left <= 0) {
        steps.record(take, SIGNAL_TIMED_OUT, longBytes(0));
        return new Step(steps.current(), take, true, SIGNAL_TIMED_OUT, longBytes(0));
      }
      // A wait without a deadline has nothing to sleep until: it always gives the thread back (with a
      // threshold of Long.MAX_VALUE it used to spin on sleepUntil(-1), deaf to a stop request).
      if (deadline < 0 || left > s.suspendSleepsLongerThanMs()) {
        throw new RunAbort.Suspend("signal:" + name, deadline, after);
      }
      HostFunctions.sleepUntil(services, deadline);
    }
  }

  /**
   * {@code spawn_job} (ABI v3): submits a child job, once. The step holds the child's id, so a replay
   * answers it without submitting; a run that died between the submission and its step submits again
   * with the same idempotency key (the step's position), which answers the same child.
   */
  int spawnJob(Instance inst, int ptr, int len) {
    if (Integer.toUnsignedLong(len) > MAX_SPAWN_REQUEST) {
      throw new TrapException("spawn_job: a request is at most " + MAX_SPAWN_REQUEST + " bytes");
    }
    byte[] json = GuestMemory.read(inst.memory(), ptr, len);
    Step.Request request = Step.Request.of(AbiImport.SPAWN_JOB, json,
        Text.shorten(new String(json, StandardCharsets.UTF_8), 300));
    Step recorded = steps.next(request);
    if (recorded != null) {
      result.accept(recorded.result());
      return recorded.code();
    }
    RunServices.Answer a = services("spawn_job").spawn(json, steps.current());
    steps.record(request, a.code(), a.bytes());
    result.accept(a.bytes());
    return a.code();
  }

  /**
   * {@code await_job} (ABI v3): a child's outcome, journaled once it has one. While the child runs, a
   * run of the cluster gives its thread back until the child finishes.
   */
  int awaitJob(Instance inst, int ptr, int len) {
    String id = Text.utf8(GuestMemory.read(inst.memory(), ptr, len), 100);
    Step.Request request = Step.Request.of(AbiImport.AWAIT_JOB, id.getBytes(StandardCharsets.UTF_8), id);
    Step recorded = steps.next(request);
    if (recorded != null) {
      result.accept(recorded.result());
      return recorded.code();
    }
    RunServices.Answer a = services("await_job").jobOutcome(id);
    if (a.waitFor() != null) {
      throw new RunAbort.Suspend(a.waitFor(), -1, 0);
    }
    steps.record(request, a.code(), a.bytes());
    result.accept(a.bytes());
    return a.code();
  }

  private RunServices services(String function) {
    if (cluster == null) {
      throw new RunAbort.HostBroke(function + " needs a cluster: this run was started by the engine on its"
          + " own, without a job", null);
    }
    return cluster;
  }
}
