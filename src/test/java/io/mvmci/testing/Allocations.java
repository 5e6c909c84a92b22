package io.mvmci.testing;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;

/**
 * What the current thread allocated, for fuzz targets that must not allocate out of proportion to
 * their input: a decoder that trusts a length field allocates what the field says before it finds
 * out that the bytes are not there, and a big enough field is an {@link OutOfMemoryError} on a node.
 */
public final class Allocations {
  /** Allowed per input byte, and on top: generous, but far below what a trusted u32 length gives. */
  static final long PER_BYTE = 256;
  static final long BASE = 8L << 20;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Allocations() {}

  /** Bytes this thread has allocated so far (-1 where the JVM does not count). */
  public static long ofThisThread() {
    return THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled()
        ? THREADS.getCurrentThreadAllocatedBytes()
        : -1;
  }

  /**
   * Runs {@code work} twice and fails if the second run allocated more than {@code inputBytes} can
   * justify. The first run is not counted: it loads classes, and under Jazzer instruments them, which
   * allocates tens of megabytes that have nothing to do with the input. Returns the second run's
   * value, or rethrows what it threw.
   */
  public static <T> T proportional(int inputBytes, String what, Callable<T> work) throws Exception {
    try {
      work.call();
    } catch (Exception | StackOverflowError ignored) {
      // the counted run below throws it again
    }
    long before = ofThisThread();
    boolean threw = true;
    try {
      T value = work.call();
      threw = false;
      return value;
    } finally {
      assertProportional(before, inputBytes, what + (threw ? " (refused)" : ""));
    }
  }

  /** Fails if this thread allocated more than the input's size can justify since {@code before}. */
  public static void assertProportional(long before, int inputBytes, String what) {
    if (before < 0) {
      return;
    }
    long used = ofThisThread() - before;
    long allowed = BASE + PER_BYTE * inputBytes;
    if (used > allowed) {
      throw new AssertionError(what + " of " + inputBytes + " bytes allocated " + used
          + " bytes (allowed " + allowed + ")");
    }
  }
}
