package io.mvmci.replication;

import io.mvmci.command.Command;
import io.mvmci.command.CommandCodec;
import io.mvmci.command.Result;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/**
 * Group commit: folds commands proposed concurrently on this node into one Raft log entry.
 *
 * <p>There is no timer and no linger. A command is sent at once if fewer than
 * {@link Limits#maxInFlight} entries are waiting for their commit; otherwise it queues, and when an
 * entry commits, everything queued (up to the batch limits) goes out as the next entry. One caller
 * therefore pays one Raft round trip; many callers share them.
 *
 * <p>Each command's future completes with its own result once its entry has committed and been
 * applied on the leader, or exceptionally (with the outcome unknown) if the entry could not be
 * committed. Encoding happens on the caller's thread.
 *
 * <p>Threading: {@link #submit} is safe from any thread; sends start on the submitting thread or on
 * the thread that completes the previous entry.
 */
public final class GroupCommitter {

  /**
   * @param maxBatch most commands in one entry
   * @param maxBytes most payload bytes in one entry (a single larger command still goes alone)
   * @param maxInFlight entries sent and not yet committed
   * @param maxQueued commands waiting beyond which {@link #submit} refuses more (backpressure)
   */
  public record Limits(int maxBatch, int maxBytes, int maxInFlight, int maxQueued) {
    /**
     * One entry in flight: each entry costs far more (Raft append and fsync on every node, replication,
     * a SQLite transaction per node) than a command in it, and on a CPU-bound node waiting for the
     * entry in flight to commit builds a bigger next batch for less CPU than pipelining small ones.
     * Measured against 4 and 2 (scripts/bench-queue.sh): best at 16 and 64 clients, equal at 1. And
     * against 4 for durable steps (64 workflows of 10 steps, scripts/bench-steps.sh' load): 428 against
     * 361 steps/s; four in flight shrank entries from 9-18 steps to 2-4.
     */
    public static final Limits DEFAULT = new Limits(512, 1 << 20, 1, 100_000);
  }

  private record Pending(byte[] frame, CompletableFuture<Result> done, long queuedAt) {}

  private final Function<byte[], CompletableFuture<byte[]>> send;
  private final Function<byte[], List<Result>> decodeReply;
  private final Limits limits;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;
  private volatile IntConsumer batchObserver = n -> { };
  private volatile LongConsumer waitObserver = nanos -> { };
  private volatile LongConsumer roundTripObserver = nanos -> { };

  /**
   * @param send proposes one encoded entry and completes with the encoded reply
   * @param decodeReply turns a reply into one result per command
   */
  public GroupCommitter(Function<byte[], CompletableFuture<byte[]>> send,
      Function<byte[], List<Result>> decodeReply, Limits limits) {
    this.send = send;
    this.decodeReply = decodeReply;
    this.limits = limits;
  }

  /** Told the number of commands in each entry this node sends (for metrics); must be quick. */
  public void observeBatches(IntConsumer observer) {
    this.batchObserver = observer;
  }

  /**
   * Told, for each command, how long it waited here before its entry was sent (0 when it went at
   * once), and for each entry, how long its reply took from the send (committed on a majority and
   * applied on the leader; failed entries included), both in nanoseconds; each must be quick.
   */
  public void observeTimes(LongConsumer waits, LongConsumer roundTrips) {
    this.waitObserver = waits;
    this.roundTripObserver = roundTrips;
  }

  public CompletableFuture<Result> submit(Command command) {
    Pending p = new Pending(CommandCodec.frame(command), new CompletableFuture<>(), System.nanoTime());
    List<Pending> batch;
    synchronized (this) {
      if (queue.size() >= limits.maxQueued()) {
        return CompletableFuture.failedFuture(new ReplicationException(
            "too many commands waiting for the Raft log (" + queue.size() + "); retry later", true));
      }
      queue.add(p);
      batch = takeBatchIfSlotFree();
    }
    if (batch != null) {
      sendBatch(batch);
    }
    return p.done();
  }

  /** Under the lock: the next batch, if an in-flight slot is free and commands wait. */
  private List<Pending> takeBatchIfSlotFree() {
    if (queue.isEmpty() || inFlight >= limits.maxInFlight()) {
      return null;
    }
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), limits.maxBatch()));
    int bytes = 0;
    while (!queue.isEmpty() && batch.size() < limits.maxBatch()) {
      int next = queue.peek().frame().length;
      if (!batch.isEmpty() && bytes + next > limits.maxBytes()) {
        break;
      }
      bytes += next;
      batch.add(queue.poll());
    }
    inFlight++;
    return batch;
  }

  private void sendBatch(List<Pending> batch) {
    List<byte[]> frames = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      frames.add(p.frame());
    }
    long sentAt = System.nanoTime();
    try {
      batchObserver.accept(batch.size());
      for (Pending p : batch) {
        waitObserver.accept(sentAt - p.queuedAt());
      }
    } catch (RuntimeException e) {
      // metrics must never stop a write
    }
    CompletableFuture<byte[]> reply;
    try {
      reply = send.apply(CommandCodec.envelope(frames));
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenComplete((bytes, error) -> {
      try {
        roundTripObserver.accept(System.nanoTime() - sentAt);
      } catch (RuntimeException e) {
        // metrics must never stop a write
      }
      complete(batch, bytes, error);
      List<Pending> next;
      synchronized (this) {
        inFlight--;
        next = takeBatchIfSlotFree();
      }
      if (next != null) {
        sendBatch(next);
      }
    });
  }

  private void complete(List<Pending> batch, byte[] reply, Throwable error) {
    if (error == null) {
      try {
        List<Result> results = decodeReply.apply(reply);
        if (results.size() != batch.size()) {
          error = new ReplicationException("reply has " + results.size() + " results for "
              + batch.size() + " commands", false);
        } else {
          for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(results.get(i));
          }
          return;
        }
      } catch (RuntimeException e) {
        error = e;
      }
    }
    Throwable cause = ReplicationException.unwrap(error);
    for (Pending p : batch) {
      p.done().completeExceptionally(cause);
    }
  }
}
