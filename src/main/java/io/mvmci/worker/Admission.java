package io.mvmci.worker;

/**
 * How many runs a worker lets execute at once, so that their memory fits its heap. A run may hold its
 * linear memory up to the engine's cap, twice over while it grows (the engine's memory is a byte array,
 * copied into a larger one on {@code memory.grow}), plus a few copies of its largest step (an HTTP
 * response as bytes, as a string and as JSON, and the piece being appended to its history), plus the
 * engine's own per-run state (its output, up to 1 MiB, and buffers). {@code admitted} slots of that size fit in {@value #HEAP_PERCENT}% of the heap; the
 * rest of the heap is the node's (Raft, SQLite, HTTP, request bodies). A worker never runs more than
 * {@code admitted} runs, whatever its configured slots; it says so at start-up and in its heartbeat's
 * capacity.
 *
 * @param configured the slots asked for ({@code [workers] embedded}, {@code --capacity})
 * @param admitted the slots that fit, at least 1, at most {@code configured}
 * @param perRunBytes what one run may hold on the heap
 * @param heapBytes the JVM's maximum heap
 */
public record Admission(int configured, int admitted, long perRunBytes, long heapBytes) {
  /** The share of the heap runs may use together. */
  public static final int HEAP_PERCENT = 50;
  /** Copies of the largest step a run may hold at once. */
  static final int STEP_COPIES = 3;
  /** Copies of the linear memory a run may hold at once: the old array and the new while it grows. */
  static final int MEMORY_COPIES = 2;
  /** The engine's own state per run (its output, up to 1 MiB; the instance; buffers). */
  static final long ENGINE_BYTES = 2L * 1024 * 1024;

  /**
   * @param memoryCapBytes the engine's cap on a run's linear memory
   * @param maxStepBytes the largest step a run's history records
   */
  public static Admission of(int configured, long memoryCapBytes, long maxStepBytes, long heapBytes) {
    long perRun = MEMORY_COPIES * memoryCapBytes + STEP_COPIES * maxStepBytes + ENGINE_BYTES;
    long fit = heapBytes / 100 * HEAP_PERCENT / perRun;
    int admitted = (int) Math.max(1, Math.min(configured, fit));
    return new Admission(configured, admitted, perRun, heapBytes);
  }

  /** Whether fewer slots were admitted than configured. */
  public boolean reduced() {
    return admitted < configured;
  }

  /** Whether not even one run fits (one is admitted anyway, or nothing would ever run). */
  public boolean overcommitted() {
    return (long) admitted * perRunBytes > heapBytes / 100 * HEAP_PERCENT;
  }

  /** One line for the log. */
  public String describe() {
    return configured + " worker slots configured, " + admitted + " admitted: a run may hold " + mib(perRunBytes)
        + " (twice the engine's memory cap, as it grows, " + STEP_COPIES + " copies of the largest step, and "
        + mib(ENGINE_BYTES) + " of engine state), and " + HEAP_PERCENT + "% of the " + mib(heapBytes) + " heap (-Xmx) holds "
        + Math.max(0, heapBytes / 100 * HEAP_PERCENT / perRunBytes) + (reduced() || overcommitted()
            ? "; give the JVM more heap, or lower [workers] memory_limit_mb or [jobs] max_step_bytes, for more"
            : "");
  }

  private static String mib(long bytes) {
    return (bytes >> 20) + " MiB";
  }
}
