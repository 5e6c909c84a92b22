package io.mvmci.live;

import io.mvmci.command.Effects;
import io.mvmci.command.JobRef;
import io.mvmci.command.Result;
import io.mvmci.job.Job;
import io.mvmci.job.JobStatus;
import io.mvmci.job.LogLine;
import io.mvmci.replication.ApplyListeners;
import io.mvmci.store.JobQueries;
import io.mvmci.store.JobReads;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live feed of this node: job changes as this node applies them, for the event stream
 * ({@code GET /api/v1/events}) and log followers ({@code GET /api/v1/jobs/{id}/logs?follow=true}).
 * Every node applies every entry, so every node feeds the whole cluster's changes, leader or not, and
 * goes on through a leader change.
 *
 * <p>On the apply thread it only records light changes (entry index, job, time, kind) in a
 * {@link ChangeRing} and, if anyone listens, wakes its own thread: never a read, never a wait. That
 * thread reads the changed jobs once (at most every {@value #GAP_MS} ms, so a job that changed several
 * times in between is sent once, as it is now), renders each once, and hands the bytes to each
 * subscriber's {@link Sink}, which queues them (bounded) or drops a subscriber too far behind.
 * Catch-ups for resumed streams run on that thread too, so each stream gets its frames in read order.
 */
public final class JobFeed implements Effects, ApplyListeners.Indexed, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobFeed.class);
  static final int RING_SIZE = 1 << 16;
  static final long GAP_MS = 50;
  static final long HEARTBEAT_MS = 15_000;

  /** How the API writes a job, a log line and the end of a followed job, as JSON. */
  public interface Renderer {
    byte[] job(Job job);

    byte[] line(Job job, LogLine line);

    byte[] end(Job job);
  }

  private final ChangeRing ring = new ChangeRing(RING_SIZE);
  private final ConcurrentLinkedQueue<Join> joins = new ConcurrentLinkedQueue<>();
  private final AtomicInteger listening = new AtomicInteger();
  private final Object wake = new Object();
  private boolean woken;
  private volatile boolean running = true;
  private final Thread thread;
  private final Fanout fanout;
  /** Apply thread: the entry being announced. */
  private long entry;
  /** The last entry whose changes are all in the ring (set after they are). */
  private volatile long lastEntry = -1;

  public JobFeed(Supplier<JobQueries> queries, Renderer render) {
    this.fanout = new Fanout(ring, queries, render);
    this.thread = new Thread(this::loop, "live-feed");
    thread.setDaemon(true);
    thread.start();
  }

  /** A stream of job changes; see {@link #subscribe}. */
  record Join(JobReads.Filter filter, long[] lastEventId, Sink sink, long followSeq, long afterLine) {
    boolean follows() {
      return followSeq >= 0;
    }
  }

  /**
   * Streams every change of the jobs {@code filter} matches to {@code sink}, each as the job is once
   * the change has applied ({@code event: job}). With {@code lastEventId} (a previous event's id), it
   * first sends what changed since then: from the ring, else from a read of the jobs changed since
   * that event's time, else (too many, or no time) an {@code event: resync} telling the client to
   * reload. A stream of one job ({@code filter.seq()}) that does not resume starts with the job as it
   * is. Answers at once; the stream starts on the feed's thread.
   */
  public void subscribe(JobReads.Filter filter, String lastEventId, Sink sink) {
    if (!running) {
      sink.close(); // the node is stopping: the client reconnects elsewhere
      return;
    }
    listening.incrementAndGet();
    joins.add(new Join(filter, Frames.parseId(lastEventId), sink, -1, -1));
    signal();
  }

  /**
   * Streams the log lines of job {@code seq} after line {@code afterLine} to {@code sink}
   * ({@code event: log}, the line id as event id) as they are applied, then {@code event: end} and
   * the end of the stream once the job has finished.
   */
  public void follow(long seq, long afterLine, Sink sink) {
    if (!running) {
      sink.close();
      return;
    }
    listening.incrementAndGet();
    joins.add(new Join(null, null, sink, seq, afterLine));
    signal();
  }

  /** Streams open now (event streams and log followers). */
  public int listeners() {
    return listening.get();
  }

  // Effects, on the apply thread: record and go.

  @Override
  public void entryStarts(long index) {
    entry = index;
    ring.entry(index);
  }

  @Override
  public void entryEnds(long index) {
    ring.publish();
    lastEntry = index;
    if (listening.get() > 0) {
      signal();
    }
  }

  @Override
  public void jobSubmitted(long seq, long at, String workflow) {
    ring.add(entry, seq, at, ChangeRing.SUBMITTED);
  }

  @Override
  public void jobsClaimed(long at, List<Result.ClaimedJob> jobs) {
    for (Result.ClaimedJob j : jobs) {
      ring.add(entry, j.ref().seq(), at, ChangeRing.CLAIMED);
    }
  }

  @Override
  public void runEnded(JobRef job, long at, JobStatus to) {
    ring.add(entry, job.seq(), at, ChangeRing.ENDED);
  }

  @Override
  public void jobCancelled(long seq, long at) {
    ring.add(entry, seq, at, ChangeRing.CANCELLED);
  }

  @Override
  public void jobRetried(long seq, long at) {
    ring.add(entry, seq, at, ChangeRing.RETRIED);
  }

  @Override
  public void jobProgressed(long seq) {
    ring.add(entry, seq, 0, ChangeRing.PROGRESSED);
  }

  @Override
  public void leasesExpired(int jobs) {
    ring.add(entry, -1, 0, ChangeRing.RESYNC);
  }

  @Override
  public void reloaded() {
    ring.reset();
    fanout.resyncLater();
    signal();
  }

  private void signal() {
    synchronized (wake) {
      woken = true;
      wake.notifyAll();
    }
  }

  private void loop() {
    long nextBeat = System.nanoTime() + HEARTBEAT_MS * 1_000_000;
    while (running) {
      try {
        synchronized (wake) {
          long wait = (nextBeat - System.nanoTime()) / 1_000_000;
          if (!woken && wait > 0) {
            wake.wait(wait);
          }
          woken = false;
        }
        if (!running) {
          break;
        }
        long upTo = lastEntry;
        boolean sent = fanout.dispatch(upTo);
        Join j;
        while ((j = joins.poll()) != null) {
          if (!fanout.join(j)) {
            listening.decrementAndGet();
          }
        }
        listening.addAndGet(-fanout.prune());
        if (System.nanoTime() - nextBeat >= 0) {
          fanout.heartbeat();
          nextBeat = System.nanoTime() + HEARTBEAT_MS * 1_000_000;
        }
        if (sent) {
          Thread.sleep(GAP_MS); // gather the next changes: a job changed twice meanwhile is sent once
        }
      } catch (InterruptedException e) {
        if (!running) {
          break;
        }
      } catch (RuntimeException e) {
        LOG.warn("live feed: {}", e.toString());
        fanout.resyncAll();
      }
    }
  }

  /** Ends every stream cleanly (the node is stopping): clients reconnect, here or elsewhere. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Join j;
    while ((j = joins.poll()) != null) {
      j.sink().close();
    }
    fanout.closeAll();
  }
}
