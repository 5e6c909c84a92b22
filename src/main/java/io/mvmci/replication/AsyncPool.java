package io.mvmci.replication;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JVM-wide executor Ratis's asynchronous steps run on when they name none. */
public final class AsyncPool {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncPool.class);
  private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private AsyncPool() {}

  /**
   * CompletableFuture's default executor starts a new thread for every task when the common pool's
   * parallelism is 1, the JVM's default on a machine with 2 CPUs or fewer. A Ratis follower goes
   * through that executor once per appendEntries ({@code ServerImplUtils.NavigableIndices#append}),
   * so such a follower started and ended one thread per batch of log entries (javaThreadId passed
   * 33,000 in one benchmark run). The property only counts before anything has used ForkJoinPool,
   * and in a node Spring does that before {@link RaftNode} loads: {@code Main} calls this first
   * thing (and RaftNode, when it loads, for other embedders). An explicit setting wins; a miss is
   * logged.
   */
  public static void ensure() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
    if (!(new CompletableFuture<Void>().defaultExecutor() instanceof ForkJoinPool)) {
      LOG.warn("CompletableFuture's default executor starts a thread per task (common pool parallelism {}): "
          + "every Raft append on a follower will start a thread; start the JVM with -D{}=2",
          ForkJoinPool.getCommonPoolParallelism(), COMMON_POOL_PARALLELISM);
    }
  }
}
