package io.mvmci.config;

/**
 * The {@code [workers]} section: workers embedded in the node. Every key is optional.
 *
 * @param embedded worker threads this node runs itself; 0 disables embedded workers (remote
 *     workers only); {@code embedded}, threads, default the number of available processors
 * @param stackSizeKb thread stack of each worker; deep recursion in a module needs more; {@code
 *     stack_size_kb}, KiB, default 4096
 * @param memoryLimitMb most linear memory one module instance may grow to; {@code
 *     memory_limit_mb}, MiB, default 64
 * @param allowInterpretedModules whether a module deployed over the API may have a function too
 *     large for the compiler; such a function runs in Chicory's interpreter, where cancellation and
 *     timeouts cannot stop it; {@code allow_interpreted_modules}, boolean, default false
 * @param journalFsync whether the engine's journal fsyncs every commit, so that a power cut repeats
 *     no journaled step (a process crash never does); costs an fsync per step; {@code
 *     journal_fsync}, boolean, default false
 */
public record WorkersSection(
    @Range(min = 0, max = 1024, unit = "threads") int embedded,
    @Range(min = 256, max = 1024 * 1024, unit = "KiB") int stackSizeKb,
    @Range(min = 1, max = MAX_MEMORY_LIMIT_MB, unit = "MiB") int memoryLimitMb,
    boolean allowInterpretedModules,
    boolean journalFsync) {

  public static final int DEFAULT_STACK_SIZE_KB = 4096;
  public static final int DEFAULT_MEMORY_LIMIT_MB = 64;

  /** The largest memory Chicory gives an instance: 32767 pages of 64 KiB, just under 2 GiB. */
  public static final int MAX_MEMORY_LIMIT_MB = 2047;

  /** Defaults for a machine with {@code processors} available processors. */
  public static WorkersSection defaults(int processors) {
    return new WorkersSection(processors, DEFAULT_STACK_SIZE_KB, DEFAULT_MEMORY_LIMIT_MB, false, false);
  }
}
