package io.mvmci.worker;

import io.mvmci.command.JobRef;
import io.mvmci.job.JobId;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker knows of one run's lease, by its own monotonic clock: the lease holds at least until
 * {@code sent + leaseMs - margin}, where {@code sent} is when the worker sent the last claim or
 * heartbeat the queue accepted for the run. The node that proposes such a command stamps the lease
 * from its own clock when it receives it, which is later than the send, so the bound is never later
 * than the real expiry but for clock differences between the nodes (a heartbeat stamped by one node,
 * the lease expired by the leader's) and clock rates; {@code margin}, a tenth of the lease (300 ms of
 * the default 3 s), covers those. A resumed run's lease starts unknown (listing the claims held
 * renews nothing), as if it had passed.
 *
 * <p>{@link #holds} is asked by the run's {@code http_request} right before the request is written
 * (issue 16: a worker paused past its lease must not send a request its claim's next holder has
 * already recorded as interrupted). Past the bound it does not give up at once: it has the worker
 * send a heartbeat now ({@link Renewal}), since a claim that waited in a long poll, or a run resumed
 * after a restart, is past it with its claim sound; the heartbeat's answer decides. A heartbeat that
 * fails or finds the claim stale leaves the bound passed, and the request is not sent.
 *
 * <p>Threading: {@link #renewed} from the heartbeat thread or a renewal; {@link #holds} from the
 * thread that sends the run's request.
 */
final class Lease {
  private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

  /** Sends a heartbeat for every held run now, unless {@code lease} became live meanwhile. */
  interface Renewal {
    /** @throws WorkException if the queue cannot be reached */
    void renew(Lease lease) throws InterruptedException;
  }

  private final JobRef ref;
  private final long leaseMs;
  private final long validNanos;
  private final Renewal renewal;
  /** {@link System#nanoTime} when the last accepted claim or heartbeat for this run was sent. */
  private final AtomicLong sent;

  /**
   * @param sentNanos when the claim was sent ({@link System#nanoTime}), or null for a resumed run
   *     whose lease is unknown
   */
  Lease(JobRef ref, long leaseMs, Long sentNanos, Renewal renewal) {
    this.ref = ref;
    this.leaseMs = leaseMs;
    this.validNanos = TimeUnit.MILLISECONDS.toNanos(leaseMs - marginMs(leaseMs));
    this.renewal = renewal;
    this.sent = new AtomicLong(sentNanos != null ? sentNanos : System.nanoTime() - validNanos - 1);
  }

  /** How much earlier than the lease's nominal end the worker stops counting on it. */
  static long marginMs(long leaseMs) {
    return leaseMs / 10;
  }

  JobRef ref() {
    return ref;
  }

  /** A claim or heartbeat sent at {@code sentNanos} renewed the lease; an older one changes nothing. */
  void renewed(long sentNanos) {
    sent.accumulateAndGet(sentNanos, (current, given) -> given - current > 0 ? given : current);
  }

  /** Whether the bound has not passed. */
  boolean live() {
    return System.nanoTime() - sent.get() < validNanos;
  }

  /** Whether the lease is known to hold now: the bound, or else a heartbeat sent now. */
  boolean holds() {
    if (live()) {
      return true;
    }
    String why;
    try {
      renewal.renew(this);
      if (live()) {
        return true;
      }
      why = "the queue did not renew it in time (the claim is stale, or the heartbeat took longer than that)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "interrupted while renewing it";
    } catch (RuntimeException e) {
      why = "could not renew it: " + e.getMessage();
    }
    LOG.warn("{} (attempt {}): lease not known to hold (last renewal sent {} ms ago; lease {} ms, counted {} ms)"
        + " and {}; its http_request is not sent and the run stops as one whose claim is stale",
        JobId.format(ref.seq()), ref.attempt(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent.get()),
        leaseMs, leaseMs - marginMs(leaseMs), why);
    return false;
  }
}
