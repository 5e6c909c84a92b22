package io.mvmci.config;

import java.util.List;

/**
 * The {@code [workers]} section: workers embedded in the node. Every key is optional.
 *
 * @param embedded worker threads this node runs itself; 0 disables embedded workers (remote
 *     workers only); {@code embedded}, threads, default the number of available processors
 * @param stackSizeKb thread stack of each worker; deep recursion in a module needs more; {@code
 *     stack_size_kb}, KiB, default 4096
 * @param memoryLimitMb most linear memory one module instance may grow to; {@code
 *     memory_limit_mb}, MiB, default 64
 */
public record WorkersSection(int embedded, int stackSizeKb, int memoryLimitMb) {

  public static final int DEFAULT_STACK_SIZE_KB = 4096;
  public static final int DEFAULT_MEMORY_LIMIT_MB = 64;

  static final List<String> KEYS = List.of("embedded", "stack_size_kb", "memory_limit_mb");

  /** Defaults for a machine with {@code processors} available processors. */
  public static WorkersSection defaults(int processors) {
    return new WorkersSection(processors, DEFAULT_STACK_SIZE_KB, DEFAULT_MEMORY_LIMIT_MB);
  }

  static WorkersSection from(TomlTable t, int processors) {
    int embedded = t.intValue("embedded", processors, 0, 1024, "threads");
    int stack = t.intValue("stack_size_kb", DEFAULT_STACK_SIZE_KB, 256, 1024 * 1024, "KiB");
    // 4096 MiB is all a 32-bit WebAssembly memory can address (65536 pages of 64 KiB).
    int memory = t.intValue("memory_limit_mb", DEFAULT_MEMORY_LIMIT_MB, 1, 4096, "MiB");
    return new WorkersSection(embedded, stack, memory);
  }
}
