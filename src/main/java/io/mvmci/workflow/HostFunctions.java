package io.mvmci.workflow;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.ChicoryException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The host functions of ABI versions 1 to 4 for one run (workflows/README.md is the contract).
 * Holds the run's result buffer and output. Used only by the run's thread.
 *
 * <p>Every journaled call asks the {@link RunJournal} first: a step in the journal returns its
 * recorded result without its side effect; a new step performs it and journals the result
 * before the guest sees it. {@code http_request} also journals its start before sending.
 *
 * <p>ABI v3's waits and child jobs are in {@link WaitFunctions}, ABI v4's artifacts in {@link
 * ArtifactCalls}; this class registers them with the others.
 */
final class HostFunctions {
  static final int MAX_OUTPUT = 1024 * 1024;
  static final int MAX_LOG = 8 * 1024;
  static final int MAX_PROGRESS_MESSAGE = 1024;
  static final int MAX_FAIL_MESSAGE = 8 * 1024;
  static final int MAX_RANDOM = 64 * 1024;
  /** {@code fail_with} flag: the failure is terminal, the job is not retried. */
  static final int FAIL_TERMINAL = 1;
  private static final byte[] NOTHING = new byte[0];

  private final HostServices services;
  private final String runId;
  private final byte[] input;
  private final RunJournal steps;
  private final BooleanSupplier stopRequested;
  /** The cluster's services (ABI v3 and suspension), or null for a run of the engine on its own. */
  private final RunServices cluster;
  private byte[] resultBuffer = NOTHING;
  /** ABI v3's waits and child jobs. */
  private final WaitFunctions waits;
  /** ABI v4's artifacts being written by this run. */
  private final ArtifactCalls artifacts;
  private byte[] output = NOTHING;

  HostFunctions(HostServices services, String runId, byte[] input, RunJournal steps,
      BooleanSupplier stopRequested, RunServices cluster) {
    this.cluster = cluster;
    this.services = services;
    this.runId = runId;
    this.input = input;
    this.steps = steps;
    this.stopRequested = stopRequested;
    this.waits = new WaitFunctions(services, steps, cluster, bytes -> resultBuffer = bytes);
    this.artifacts = new ArtifactCalls(steps, cluster);
  }

  /** Drops the spools of artifacts the run opened and never closed. */
  void closeArtifacts() {
    artifacts.close();
  }

  byte[] output() {
    return output;
  }

  ImportValues imports() {
    ImportValues.Builder b = ImportValues.builder();
    b.addFunction(function(AbiImport.INPUT, (inst, a) -> i32(input())));
    b.addFunction(function(AbiImport.RESULT_READ, (inst, a) -> i32(resultRead(inst, (int) a[0], (int) a[1]))));
    b.addFunction(function(AbiImport.OUTPUT, (inst, a) -> none(() -> output(inst, (int) a[0], (int) a[1]))));
    b.addFunction(function(AbiImport.LOG, (inst, a) -> none(() -> log(inst, (int) a[0], (int) a[1], (int) a[2]))));
    b.addFunction(function(AbiImport.PROGRESS,
        (inst, a) -> none(() -> progress(inst, (int) a[0], (int) a[1], (int) a[2]))));
    b.addFunction(function(AbiImport.HTTP_REQUEST,
        (inst, a) -> i32(httpRequest(inst, (int) a[0], (int) a[1], (int) a[2]))));
    b.addFunction(function(AbiImport.NOW_MS, (inst, a) -> new long[] {nowMs()}));
    b.addFunction(function(AbiImport.RANDOM_FILL, (inst, a) -> none(() -> randomFill(inst, (int) a[0], (int) a[1]))));
    b.addFunction(function(AbiImport.SLEEP_MS, (inst, a) -> none(() -> sleepMs(a[0]))));
    b.addFunction(function(AbiImport.FAIL, (inst, a) -> none(() -> fail(inst, (int) a[0], (int) a[1]))));
    b.addFunction(function(AbiImport.FAIL_WITH,
        (inst, a) -> none(() -> failWith(inst, (int) a[0], (int) a[1], (int) a[2], AbiImport.FAIL_WITH))));
    b.addFunction(function(AbiImport.AWAIT_SIGNAL, (inst, a) -> i32(waits.awaitSignal(inst, (int) a[0], (int) a[1], a[2]))));
    b.addFunction(function(AbiImport.SPAWN_JOB, (inst, a) -> i32(waits.spawnJob(inst, (int) a[0], (int) a[1]))));
    b.addFunction(function(AbiImport.AWAIT_JOB, (inst, a) -> i32(waits.awaitJob(inst, (int) a[0], (int) a[1]))));
    b.addFunction(function(AbiImport.ARTIFACT_OPEN, (inst, a) -> i32(artifacts.open(inst, (int) a[0], (int) a[1]))));
    b.addFunction(function(AbiImport.ARTIFACT_WRITE,
        (inst, a) -> i32(artifacts.write(inst, (int) a[0], (int) a[1], (int) a[2]))));
    b.addFunction(function(AbiImport.ARTIFACT_CLOSE,
        (inst, a) -> i32(artifacts.close((int) a[0], bytes -> resultBuffer = bytes))));
    return b.build();
  }

  private int input() {
    resultBuffer = input;
    return input.length;
  }

  private int resultRead(Instance inst, int ptr, int len) {
    GuestMemory.check(inst.memory(), ptr, len);
    int n = (int) Math.min(Integer.toUnsignedLong(len), resultBuffer.length);
    GuestMemory.write(inst.memory(), ptr, resultBuffer, n);
    return n;
  }

  private void output(Instance inst, int ptr, int len) {
    if (Integer.toUnsignedLong(len) > MAX_OUTPUT) {
      throw new TrapException("output exceeds " + MAX_OUTPUT + " bytes");
    }
    output = GuestMemory.read(inst.memory(), ptr, len);
  }

  private void log(Instance inst, int level, int ptr, int len) {
    LogLevel lvl = LogLevel.of(level);
    String message = Text.utf8(GuestMemory.read(inst.memory(), ptr, len), MAX_LOG);
    Step.Request request = Step.Request.of(AbiImport.LOG, tagged(lvl.ordinal(), message),
        "level " + lvl.ordinal() + " " + Text.quote(message, 120));
    if (steps.next(request) == null) {
      steps.recordLazy(request, lvl.ordinal(), message.getBytes(StandardCharsets.UTF_8));
      if (!steps.publishesLogs()) {
        services.progress().log(runId, lvl, message);
      }
    }
  }

  /**
   * Replayed reports are handed on again to a ProgressSink: the latest progress is state, and the
   * latest wins. A history that publishes progress already holds it.
   */
  private void progress(Instance inst, int percent, int ptr, int len) {
    int pct = Math.max(0, Math.min(100, percent));
    String message = Text.utf8(GuestMemory.read(inst.memory(), ptr, len), MAX_PROGRESS_MESSAGE);
    Step.Request request = Step.Request.of(AbiImport.PROGRESS, tagged(pct, message),
        pct + "% " + Text.quote(message, 120));
    if (steps.next(request) == null) {
      steps.recordLazy(request, pct, message.getBytes(StandardCharsets.UTF_8));
    }
    if (!steps.publishesLogs()) {
      services.progress().progress(runId, pct, message);
    }
  }

  private int httpRequest(Instance inst, int ptr, int len, int flags) {
    byte[] json = GuestMemory.read(inst.memory(), ptr, len);
    boolean idempotent = (flags & 1) != 0;
    Step.Request request = Step.Request.of(AbiImport.HTTP_REQUEST, tagged(idempotent ? 1 : 0, json),
        Text.shorten(new String(json, StandardCharsets.UTF_8), 300) + (idempotent ? " (idempotent)" : ""));
    Step recorded = steps.next(request);
    HttpBridge.Result result;
    if (recorded != null && recorded.done()) {
      result = new HttpBridge.Result(recorded.code(), recorded.result());
    } else if (recorded != null && !idempotent) {
      result = HttpBridge.Result.error(HttpBridge.INTERRUPTED, "the request was in flight when"
          + " the run stopped, and it is not marked idempotent, so it was not sent again");
      steps.recordResult(request, result.code(), result.bytes());
    } else {
      HttpBridge.Parsed parsed = HttpBridge.parse(json);
      if (parsed.denied() != null) {
        result = HttpBridge.Result.error(HttpBridge.DENIED, parsed.denied());
        if (recorded == null) {
          steps.record(request, result.code(), result.bytes());
        } else {
          steps.recordResult(request, result.code(), result.bytes());
        }
      } else {
        if (recorded == null) {
          steps.recordStart(request);
        }
        result = send(parsed);
        steps.performed(AbiImport.HTTP_REQUEST);
        steps.recordResult(request, result.code(), result.bytes());
      }
    }
    resultBuffer = result.bytes();
    return result.code();
  }

  private HttpBridge.Result send(HttpBridge.Parsed parsed) {
    try {
      return services.http().send(parsed, cluster == null ? SendGate.OPEN : cluster::leaseHolds);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunAbort.Stopped();
    }
  }

  private long nowMs() {
    Step.Request request = Step.Request.of(AbiImport.NOW_MS, NOTHING, "");
    Step recorded = steps.next(request);
    if (recorded != null) {
      return ByteBuffer.wrap(recorded.result()).getLong();
    }
    long now = services.clock().millis();
    steps.record(request, 0, longBytes(now));
    return now;
  }

  private void randomFill(Instance inst, int ptr, int len) {
    if (Integer.toUnsignedLong(len) > MAX_RANDOM) {
      throw new TrapException("random_fill exceeds " + MAX_RANDOM + " bytes");
    }
    GuestMemory.check(inst.memory(), ptr, len);
    Step.Request request = Step.Request.of(AbiImport.RANDOM_FILL, ByteBuffer.allocate(4).putInt(len).array(),
        len + " bytes");
    Step recorded = steps.next(request);
    byte[] bytes;
    if (recorded != null) {
      bytes = recorded.result();
    } else {
      bytes = new byte[len];
      services.random().nextBytes(bytes);
      steps.record(request, 0, bytes);
    }
    GuestMemory.write(inst.memory(), ptr, bytes, len);
  }

  /**
   * The wake-up time is journaled before sleeping, so a resumed run sleeps only what remains. A run
   * of the cluster whose remaining sleep is long gives its thread back and waits for a timer.
   */
  private void sleepMs(long ms) {
    long duration = Math.max(0, ms);
    Step.Request request = Step.Request.of(AbiImport.SLEEP_MS, longBytes(duration), duration + " ms");
    Step recorded = steps.next(request);
    long wake;
    boolean suspend;
    if (recorded != null) {
      wake = ByteBuffer.wrap(recorded.result()).getLong();
      suspend = cluster != null && wake - services.clock().millis() > cluster.suspendSleepsLongerThanMs();
    } else {
      long now = services.clock().millis();
      wake = duration > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + duration;
      suspend = cluster != null && duration > cluster.suspendSleepsLongerThanMs();
      if (suspend) {
        steps.recordLazily(request, 0, longBytes(wake)); // durable with the suspension, in one entry
      } else {
        steps.record(request, 0, longBytes(wake));
      }
    }
    if (suspend) {
      throw new RunAbort.Suspend("timer", wake, 0);
    }
    sleepUntil(services, wake);
  }

  /** Sleeps on the run's thread until {@code wake} by the services' clock; a stop interrupts it. */
  static void sleepUntil(HostServices services, long wake) {
    try {
      for (long left = wake - services.clock().millis(); left > 0; left = wake - services.clock().millis()) {
        Thread.sleep(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunAbort.Stopped();
    }
  }

  private void fail(Instance inst, int ptr, int len) {
    failWith(inst, ptr, len, 0, AbiImport.FAIL);
  }

  /** {@code fail_with} (ABI v2): {@code flags} bit 0 marks the failure terminal: no retry. */
  private void failWith(Instance inst, int ptr, int len, int flags, AbiImport kind) {
    String message = Text.utf8(GuestMemory.read(inst.memory(), ptr, len), MAX_FAIL_MESSAGE);
    boolean terminal = (flags & FAIL_TERMINAL) != 0;
    byte[] request = kind == AbiImport.FAIL ? message.getBytes(StandardCharsets.UTF_8) : tagged(flags, message);
    Step.Request step = Step.Request.of(kind, request, Text.quote(message, 120) + (terminal ? " (terminal)" : ""));
    if (steps.next(step) == null) {
      steps.record(step, 0, NOTHING);
    }
    throw new RunAbort.GuestFailed(message, terminal);
  }

  /**
   * Wraps a host function: refuses to run once the run must stop, and turns an unexpected host
   * exception into {@link RunAbort.HostBroke} so it is not mistaken for a guest trap.
   */
  private HostFunction function(AbiImport abi, WasmFunctionHandle body) {
    return new HostFunction(AbiImport.MODULE, abi.importName(), abi.type(), (inst, args) -> {
      if (stopRequested.getAsBoolean() || Thread.currentThread().isInterrupted()) {
        throw new RunAbort.Stopped();
      }
      try {
        return body.apply(inst, args);
      } catch (RunAbort | ChicoryException | StepHook.SimulatedCrash e) {
        throw e;
      } catch (JournalException e) {
        throw new RunAbort.HostBroke(e.getMessage(), e);
      } catch (HistoryException e) {
        throw switch (e.why()) {
          case LIMIT -> new RunAbort.LimitBroken(e.getMessage());
          case STALE -> new RunAbort.ClaimLost(e.getMessage());
          case UNAVAILABLE -> new RunAbort.HostBroke(e.getMessage(), e);
        };
      } catch (RuntimeException e) {
        throw new RunAbort.HostBroke("host function " + abi.importName() + " failed: " + e, e);
      }
    });
  }

  static byte[] tagged(int tag, String message) {
    return tagged(tag, message.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] tagged(int tag, byte[] bytes) {
    return ByteBuffer.allocate(4 + bytes.length).putInt(tag).put(bytes).array();
  }

  static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static long[] i32(int v) {
    return new long[] {v};
  }

  private static long[] none(Runnable r) {
    r.run();
    return null;
  }
}
