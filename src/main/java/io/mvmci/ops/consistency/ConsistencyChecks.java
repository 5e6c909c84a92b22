package io.mvmci.ops.consistency;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.mvmci.command.CheckConsistency;
import io.mvmci.command.Effects;
import io.mvmci.command.ReportDigest;
import io.mvmci.command.Result;
import io.mvmci.replication.RaftNode;
import io.mvmci.replication.ReplicationException;
import io.mvmci.store.ConsistencyDigest;
import io.mvmci.store.ConsistencyQueries.Check;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in the consistency checks (ops/DESIGN.md, "Consistency checks"), in the manner of
 * etcd's corruption check: the leader starts a check every {@code [raft] consistency_check_interval_ms}
 * (and an operator any time) with a {@link CheckConsistency} entry; every member, when it applies that
 * entry, fixes its copy as it stands ({@link ConsistencyDigest#pin}, on the apply thread, before the
 * next entry), digests it on a thread of its own, and reports the digest through the log
 * ({@link ReportDigest}). Every member then holds every report, and a copy that differs from the
 * majority's is named: logged as an error on every member, {@code mvmci_consistency_diverged} on it,
 * and its {@code consistency} health component DOWN.
 *
 * <p>Threading: {@link #consistencyCheckApplied} and {@link #consistencyReported} on the apply thread
 * (quick: a read transaction begun, a task queued); digests, reports and verdicts on the
 * {@code consistency} thread, one digest at a time. A check that applies while a digest is computed
 * is pinned and waits its turn, so a periodic check and an operator's, or two operators' checks, both
 * get this member's report; a third that applies while two are pinned is skipped here, with a warning
 * (each pin holds a read transaction, which keeps SQLite from checkpointing past it). The periodic
 * check runs on the {@code consistency-schedule} thread.
 */
public final class ConsistencyChecks implements Effects, MeterBinder, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsistencyChecks.class);
  /** How many times a report is proposed before this member gives up on that check. */
  static final int REPORT_ATTEMPTS = 5;
  /** Checks pinned at once on this member: the one being digested and the one waiting for it. */
  static final int MAX_PINNED = 2;

  private final RaftNode node;
  private final Clock clock;
  private final long intervalMs;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(daemon("consistency"));
  private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
      daemon("consistency-schedule"));
  /**
   * Held while this node proposes a check, so that two of its checks never share an entry (they would
   * be one check, and the second requester could not find its own) and each operator's has its own time.
   */
  private final Object proposing = new Object();
  /** The time of this node's newest operator check; guarded by {@link #proposing}. */
  private long lastRequestedAt;
  private final java.util.concurrent.Semaphore pins = new java.util.concurrent.Semaphore(MAX_PINNED);
  private final AtomicLong digests = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private volatile Timer digestTimer;
  /** The newest check with this member's report, and its verdict; null before the first. */
  private volatile Judged latest;
  /** The newest check already logged as differing, so that each is logged once. */
  private long loggedDiffer = -1;
  private long leaderSince = -1;
  private long leaderTerm = -1;

  /** A check, and the verdict on it when last read. */
  public record Judged(Check check, Verdict verdict) {}

  /**
   * @param intervalMs how often the leader starts a check; 0 starts none (an operator still can)
   */
  public ConsistencyChecks(RaftNode node, Clock clock, long intervalMs) {
    this.node = node;
    this.clock = clock;
    this.intervalMs = intervalMs;
  }

  /** Starts the periodic check (if an interval is set); the node's parts are wired. */
  public void start() {
    if (intervalMs > 0) {
      long tick = Math.max(100, Math.min(intervalMs / 4, 10_000));
      schedule.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * On the leader of a group of two or more voters (one copy has nothing to compare with), a check
   * once the newest one is an interval old, or once it has led for an interval if none was ever made.
   */
  void tick() {
    try {
      if (!node.isLeader() || node.members() < 2) {
        leaderSince = -1;
        return;
      }
      long now = clock.millis();
      if (leaderSince < 0 || node.currentTerm() != leaderTerm) {
        leaderSince = now;
        leaderTerm = node.currentTerm();
      }
      List<Check> newest = node.stateMachine().queries().consistency().latest(1);
      long since = newest.isEmpty() ? leaderSince : newest.get(0).requestedAt();
      if (now - since >= intervalMs) {
        synchronized (proposing) {
          node.submit(new CheckConsistency(now, "schedule")).get(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("consistency check not started: {}", e.toString());
    }
  }

  /**
   * Starts a check now (an operator's); returns it, with its verdict so far, once this node's copy
   * holds it.
   *
   * @throws ReplicationException when the log does not take it in time (no leader, the disk refusing
   *     writes)
   */
  public Judged requestNow() throws Exception {
    long at;
    try {
      synchronized (proposing) {
        at = Math.max(clock.millis(), lastRequestedAt + 1); // its own time: how the check is found below
        lastRequestedAt = at;
        node.submit(new CheckConsistency(at, "api")).get(30, TimeUnit.SECONDS);
      }
      node.readBarrier().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new ReplicationException("the check was not taken", e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ReplicationException("the check was not committed within 30 s", true);
    }
    int members = node.members();
    return node.stateMachine().queries().consistency().latest(CheckConsistency.KEEP).stream()
        .filter(c -> c.requestedAt() == at && c.requestedBy().equals("api")).findFirst()
        .map(c -> new Judged(c, Verdict.of(c, members)))
        .orElseThrow(() -> new ReplicationException("the check committed but this node's copy does not show it yet", true));
  }

  /** The newest checks, newest first, each with its verdict. */
  public List<Judged> recent(int limit) throws Exception {
    int members = node.members();
    return node.stateMachine().queries().consistency().latest(limit).stream()
        .map(c -> new Judged(c, Verdict.of(c, members))).toList();
  }

  /** The newest of the kept checks ({@link CheckConsistency#KEEP}) on which every member agreed. */
  public Optional<Judged> lastAgreed() throws Exception {
    return recent(CheckConsistency.KEEP).stream().filter(j -> j.verdict().outcome().equals(Verdict.AGREE)).findFirst();
  }

  /** The newest check this member reported on, and its verdict when last read. */
  Optional<Judged> latest() {
    return Optional.ofNullable(latest);
  }

  /** Whether this member's copy differs from the majority's in the newest check it reported on. */
  public boolean diverged() {
    Judged j = latest;
    return j != null && j.verdict().differing().contains(node.selfId());
  }

  @Override
  public void consistencyCheckApplied(long index) {
    if (!pins.tryAcquire()) {
      skipped.incrementAndGet();
      LOG.warn("consistency check at index {} skipped on this node: {} earlier checks are still pinned (one being"
          + " digested, the others waiting)", index, MAX_PINNED);
      return;
    }
    ConsistencyDigest pinned;
    try {
      pinned = node.stateMachine().queries().consistency().pin(index);
    } catch (Exception e) {
      pins.release();
      LOG.warn("consistency check at index {}: this node's copy could not be read: {}", index, e.toString());
      return;
    }
    try {
      worker.execute(new PinnedDigest(pinned));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      closeQuietly(pinned);
      pins.release();
    }
  }

  private void digestAndReport(ConsistencyDigest pinned) {
    ConsistencyDigest.Digest d;
    long started = System.nanoTime();
    try {
      d = pinned.compute();
    } catch (Exception e) {
      LOG.warn("consistency digest failed: {}", e.toString());
      return;
    } finally {
      closeQuietly(pinned);
      pins.release();
    }
    digests.incrementAndGet();
    Timer t = digestTimer;
    if (t != null) {
      t.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
    LOG.info("consistency check at index {}: digest {} of {} rows in {} ms", d.index(), d.sha256().substring(0, 16),
        d.rows(), (System.nanoTime() - started) / 1_000_000);
    ReportDigest report = new ReportDigest(clock.millis(), d.index(), node.selfId(), d.schema(), d.sha256(), d.rows(),
        d.tables());
    for (int attempt = 1; attempt <= REPORT_ATTEMPTS; attempt++) {
      try {
        Result r = node.submit(report).get(30, TimeUnit.SECONDS);
        if (r instanceof Result.Rejected rejected) {
          LOG.info("consistency report for index {} refused: {}", d.index(), rejected.message());
        }
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        LOG.debug("consistency report for index {} not taken (attempt {}): {}", d.index(), attempt, e.toString());
        try {
          Thread.sleep(1_000L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    LOG.warn("consistency report for index {} not taken after {} attempts", d.index(), REPORT_ATTEMPTS);
  }

  @Override
  public void consistencyReported(long checkIndex) {
    try {
      worker.execute(() -> judge(checkIndex));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  /** Reads the check's reports and, if they differ, says so once. On the consistency thread. */
  private void judge(long checkIndex) {
    try {
      Optional<Check> check = node.stateMachine().queries().consistency().get(checkIndex);
      if (check.isEmpty()) {
        return;
      }
      Verdict v = Verdict.of(check.get(), node.members());
      boolean mine = check.get().reports().stream().anyMatch(r -> r.nodeId() == node.selfId());
      Judged current = latest;
      if (mine && (current == null || current.check().index() <= checkIndex)) {
        latest = new Judged(check.get(), v);
      }
      if (v.outcome().equals(Verdict.DIFFER) && checkIndex > loggedDiffer
          && (!v.differing().isEmpty() || check.get().reports().size() >= node.members())) {
        loggedDiffer = checkIndex;
        LOG.error("consistency check at index {}: the members' copies of the database differ: {}; tables {}."
            + " Rebuild a differing member from the others (README, \"Consistency checks\")", checkIndex,
            v.differing().isEmpty() ? "no majority among the reports " + check.get().reports().stream()
                .map(r -> r.nodeId() + "=" + r.digest().substring(0, 16)).toList()
                : "member(s) " + v.differing() + " differ from the majority", v.differingTables());
      }
    } catch (Exception e) {
      LOG.debug("consistency verdict on index {} not read: {}", checkIndex, e.toString());
    }
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("mvmci.consistency.digests", digests, AtomicLong::get)
        .description("digests of this node's copy computed for consistency checks").register(registry);
    FunctionCounter.builder("mvmci.consistency.skipped", skipped, AtomicLong::get)
        .description("consistency checks this node skipped because two earlier ones were still pinned (one digested, one waiting)")
        .register(registry);
    Gauge.builder("mvmci.consistency.diverged", this, c -> c.diverged() ? 1 : 0)
        .description("1 if this node's copy differed from the majority's in the newest check it reported on")
        .register(registry);
    digestTimer = Timer.builder("mvmci.consistency.digest.duration")
        .description("time to digest this node's copy for a consistency check").register(registry);
  }

  /** A pinned check's digest, queued on the consistency thread; closed unrun if the node stops first. */
  private final class PinnedDigest implements Runnable {
    final ConsistencyDigest pinned;

    PinnedDigest(ConsistencyDigest pinned) {
      this.pinned = pinned;
    }

    @Override
    public void run() {
      digestAndReport(pinned);
    }
  }

  @Override
  public void close() {
    schedule.shutdownNow();
    for (Runnable never : worker.shutdownNow()) {
      if (never instanceof PinnedDigest d) {
        closeQuietly(d.pinned);
      }
    }
  }

  private static void closeQuietly(ConsistencyDigest pinned) {
    try {
      pinned.close();
    } catch (Exception e) {
      LOG.debug("closing a consistency digest: {}", e.toString());
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
