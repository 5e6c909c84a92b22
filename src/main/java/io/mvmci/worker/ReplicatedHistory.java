package io.mvmci.worker;

import io.mvmci.command.AppendSteps;
import io.mvmci.command.JobRef;
import io.mvmci.command.Result;
import io.mvmci.workflow.HistoryException;
import io.mvmci.workflow.HistoryStep;
import io.mvmci.workflow.RunHistory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A run's history in the replicated log ({@link io.mvmci.workflow.RunHistory}): each step is sent as
 * an {@code AppendSteps} command under the run's claim and is durable once the command applied, so a
 * run that dies is resumed from it by whichever worker claims the job next.
 *
 * <p>Lazy steps (log lines, progress) wait in {@link #pending} and go with the next durable step, or
 * with a flush. A step's result larger than {@link #PIECE} is sent in pieces, each in an entry of its
 * own, so that one big response does not fill one Raft entry. An append whose outcome is unknown (the
 * queue was unreachable) is sent again, for at most {@link #RETRY_FOR_MS}: appends are idempotent.
 *
 * <p>Threading: the run's thread, and the engine's flusher through {@link #flush}; serialised here.
 */
final class ReplicatedHistory implements RunHistory {
  /** The most result bytes one command carries. */
  static final int PIECE = 256 * 1024;
  /** How long an unreachable queue is retried before the run stops (to be resumed). */
  static final long RETRY_FOR_MS = 30_000;

  private final HistoryTransport transport;
  private final JobRef job;
  private final int execution;
  private final int recordedSteps;
  private volatile List<HistoryStep> recorded;
  private final List<AppendSteps.Write> pending = new ArrayList<>();
  private int pendingBytes;

  /**
   * @param recordedSteps how many steps the claim's history holds (0 for a fresh run); they are read
   *     on the run's thread, when it starts
   */
  ReplicatedHistory(HistoryTransport transport, JobRef job, int execution, int recordedSteps) {
    this.transport = transport;
    this.job = job;
    this.execution = execution;
    this.recordedSteps = recordedSteps;
  }

  @Override
  public List<HistoryStep> recorded() {
    if (recorded == null) {
      recorded = recordedSteps == 0 ? List.of()
          : List.copyOf(retrying("read the history", () -> transport.steps(job, execution)));
    }
    return recorded;
  }

  @Override
  public byte[] result(int seq) {
    return retrying("read step " + seq, () -> transport.stepResult(job, execution, seq));
  }

  @Override
  public synchronized void record(HistoryStep step, byte[] result, boolean lazy) {
    add(step, step.done() ? step.code() : 0, result, step.done());
    if (!lazy || pendingBytes >= PIECE) {
      flush();
    }
  }

  @Override
  public synchronized void complete(HistoryStep step, int code, byte[] result) {
    add(step, code, result, true);
    flush();
  }

  /** Queues a step's writes: the whole of it, or its result in pieces of at most {@link #PIECE}. */
  private void add(HistoryStep step, int code, byte[] result, boolean done) {
    int offset = 0;
    do {
      int n = Math.min(PIECE, result.length - offset);
      boolean last = done && offset + n == result.length;
      pending.add(new AppendSteps.Write(step.seq(), step.kind(), step.digest(), step.summary(), code, offset,
          Arrays.copyOfRange(result, offset, offset + n), last));
      pendingBytes += n;
      offset += n;
    } while (offset < result.length);
  }

  /**
   * The writes not yet sent (lazy steps), taken out: a suspension carries them, so that the step that
   * begins the wait and the wait itself are one log entry.
   */
  synchronized List<AppendSteps.Write> takePending() {
    List<AppendSteps.Write> out = List.copyOf(pending);
    pending.clear();
    pendingBytes = 0;
    return out;
  }

  @Override
  public synchronized void flush() {
    while (!pending.isEmpty()) {
      List<AppendSteps.Write> command = new ArrayList<>();
      int bytes = 0;
      while (!pending.isEmpty() && (command.isEmpty() || bytes + pending.get(0).bytes().length <= PIECE)) {
        AppendSteps.Write w = pending.remove(0);
        bytes += w.bytes().length;
        command.add(w);
      }
      pendingBytes -= bytes;
      send(command);
    }
  }

  private void send(List<AppendSteps.Write> writes) {
    Result r = retrying("append steps", () -> transport.appendSteps(job, writes));
    if (r instanceof Result.Rejected rejected) {
      pending.clear();
      pendingBytes = 0;
      throw switch (rejected.reason()) {
        case LIMIT -> new HistoryException(HistoryException.Why.LIMIT, rejected.message());
        case INVALID -> new HistoryException(HistoryException.Why.UNAVAILABLE,
            "the history refused step " + writes.get(0).seq() + ": " + rejected.message());
        default -> new HistoryException(HistoryException.Why.STALE, rejected.message());
      };
    }
  }

  interface Call<T> {
    T run();
  }

  private <T> T retrying(String what, Call<T> call) {
    return retrying(job, what, call);
  }

  /** Calls the queue until it answers, for at most {@link #RETRY_FOR_MS}; interruptible. */
  static <T> T retrying(JobRef job, String what, Call<T> call) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_FOR_MS);
    long pauseMs = 50;
    while (true) {
      try {
        return call.run();
      } catch (WorkException.Refused e) {
        throw new HistoryException(HistoryException.Why.STALE, "the queue refused to " + what + ": "
            + e.getMessage(), e);
      } catch (WorkException e) {
        if (System.nanoTime() > deadline) {
          throw new HistoryException(HistoryException.Why.UNAVAILABLE,
              "could not " + what + " of " + job + " for " + RETRY_FOR_MS / 1000 + " s: " + e.getMessage(), e);
        }
      }
      try {
        Thread.sleep(pauseMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HistoryException(HistoryException.Why.UNAVAILABLE, "interrupted while trying to " + what);
      }
      pauseMs = Math.min(pauseMs * 2, 1_000);
    }
  }
}
