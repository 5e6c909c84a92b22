package io.mvmci.replication;

import io.mvmci.command.Command;
import io.mvmci.command.Result;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;

/**
 * Tells the followers of a commit at once when no entry is on its way that would tell them.
 *
 * <p>A follower learns the commit index from the leader's next AppendEntries. Under load that is the
 * next entry, a few milliseconds away; but after the last entry of a burst it is the next heartbeat,
 * up to half an election timeout later, and until then the follower has not applied what the leader
 * has (a job awaited through a follower answered 185–234 ms after it finished). Ratis's commit-index
 * metadata entries close that gap with one more log entry per commit (an fsync and an apply on every
 * node), and they broke the promotion of a listener (see {@link Membership#promote}).
 *
 * <p>So the leader, once it has applied an entry and nothing newer is in its log, asks for a ReadIndex:
 * Ratis confirms leadership by a round of heartbeats to every follower and listener, and each
 * heartbeat carries the commit index. No log entry, no fsync. Two details of Ratis shape it:
 * <ul>
 *   <li>a heartbeat built while the member's AppendEntries is unanswered carries no commit index, and
 *       the entry committed once the fastest member answered, so the round waits until every member
 *       has the entry ({@code anyMemberWithout}), polling after pauses of 1, 2, 4 ... ms for at most
 *       {@link #MAX_WAITS} pauses (about 60 ms: past that a member is slow or down, and the others
 *       are told without it);</li>
 *   <li>a ReadIndex at a commit index a majority has acknowledged returns at once without heartbeats,
 *       so there is one round per commit index, not a retry.</li>
 * </ul>
 * At most one round waits or is out at a time; an entry applied meanwhile is covered by the next.
 *
 * <p>Threading: {@link #applied} runs on the apply thread and never blocks. Rounds are started on
 * {@code sender} only: Ratis's {@code submitClientRequestAsync} blocks its caller until its own executor
 * took the request, and a round completes on a Ratis thread that holds the ReadIndex listeners' lock,
 * so a round started from the completion of the one before deadlocked the leader (it stopped
 * handling AppendEntries replies and lost its leadership).
 */
final class CommitNudge implements ApplyListener, AutoCloseable {
  /** Pauses of 1, 2, 4, ... 32 ms while a member has not answered for the entry: 63 ms at most. */
  static final int MAX_WAITS = 6;

  private final ApplyListener next;
  private final LongPredicate leadsWithNothingAfter;
  private final LongPredicate anyMemberWithout;
  private final Supplier<CompletableFuture<?>> heartbeats;
  private final Sender sender;
  /** Closed with the nudge: the thread {@link #onLeader} starts rounds on (none for a test's sender). */
  private final Runnable stop;
  /** The highest index a round was asked for; guarded by this, as the fields below. */
  private long target = -1;
  /** The index the round out (or last) was started for. */
  private long started = -1;
  /** A round waits to go, or is out. */
  private boolean busy;
  private int waits;

  /** Runs a task after a pause (0: at once) on a thread of its own. */
  @FunctionalInterface
  interface Sender {
    Future<?> after(long pauseMs, Runnable task);
  }

  /**
   * @param next told of every entry first
   * @param leadsWithNothingAfter whether this node leads a group with other members and its log holds
   *     nothing after the given index (else the entry that follows carries the commit index)
   * @param anyMemberWithout whether some other member has not acknowledged the entry at the given index
   * @param heartbeats starts one round of heartbeats (a ReadIndex on this node); completes when a
   *     majority answered
   * @param sender where rounds are started (one thread is enough)
   */
  CommitNudge(ApplyListener next, LongPredicate leadsWithNothingAfter, LongPredicate anyMemberWithout,
      Supplier<CompletableFuture<?>> heartbeats, Sender sender) {
    this(next, leadsWithNothingAfter, anyMemberWithout, heartbeats, sender, () -> { });
  }

  private CommitNudge(ApplyListener next, LongPredicate leadsWithNothingAfter, LongPredicate anyMemberWithout,
      Supplier<CompletableFuture<?>> heartbeats, Sender sender, Runnable stop) {
    this.next = next;
    this.leadsWithNothingAfter = leadsWithNothingAfter;
    this.anyMemberWithout = anyMemberWithout;
    this.heartbeats = heartbeats;
    this.sender = sender;
    this.stop = stop;
  }

  /**
   * The nudge of node {@code selfId}, reading the leader's state from its division, starting rounds
   * on a daemon thread of its own that ends when idle.
   *
   * @param heartbeats a ReadIndex sent straight into this node's server
   */
  static CommitNudge onLeader(int selfId, ApplyListener next, Membership.DivisionSource division,
      Supplier<CompletableFuture<?>> heartbeats) {
    ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "n" + selfId + "-commit-nudge");
      t.setDaemon(true);
      return t;
    });
    thread.setKeepAliveTime(30, TimeUnit.SECONDS);
    thread.allowCoreThreadTimeOut(true);
    return new CommitNudge(next, index -> leadsWithNothingAfter(division, index),
        index -> anyMemberWithout(division, index), heartbeats,
        (pauseMs, task) -> thread.schedule(task, pauseMs, TimeUnit.MILLISECONDS), thread::shutdownNow);
  }

  /**
   * Whether this node leads a group with other members and its log holds nothing after {@code index}:
   * then no AppendEntries is on its way to tell the followers that {@code index} committed. On every
   * apply of every node: the cheap checks first.
   */
  private static boolean leadsWithNothingAfter(Membership.DivisionSource division, long index) {
    try {
      RaftServer.Division d = division.get();
      if (!d.getInfo().isLeader() || d.getRaftLog().getNextIndex() > index + 1) {
        return false;
      }
      RaftConfiguration conf = d.getRaftConf();
      return conf.getAllPeers().size() + conf.getAllPeers(RaftPeerRole.LISTENER).size() > 1;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Whether some other member (follower or listener) has not acknowledged the entry at {@code index}. */
  private static boolean anyMemberWithout(Membership.DivisionSource division, long index) {
    try {
      RaftServer.Division d = division.get();
      return d.getInfo().isLeader() && Arrays.stream(d.getInfo().getFollowerMatchIndices()).anyMatch(m -> m < index);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    stop.run();
  }

  @Override
  public void applied(long index, List<Command> batch, List<Result> results) {
    next.applied(index, batch, results);
    if (leadsWithNothingAfter.test(index)) {
      synchronized (this) {
        target = Math.max(target, index);
        if (!busy) {
          busy = true;
          waits = 0;
          schedule(0);
        }
      }
    }
  }

  @Override
  public void reloaded() {
    next.reloaded();
  }

  /** Under this object's lock. */
  private void schedule(long pauseMs) {
    try {
      sender.after(pauseMs, this::startRound);
    } catch (RejectedExecutionException e) { // the node is closing
      busy = false;
    }
  }

  private void startRound() {
    long index;
    synchronized (this) {
      index = target;
      if (waits < MAX_WAITS && anyMemberWithout.test(index)) {
        schedule(1L << waits++);
        return;
      }
      started = index;
    }
    CompletableFuture<?> round;
    try {
      round = heartbeats.get();
    } catch (RuntimeException e) {
      round = CompletableFuture.failedFuture(e);
    }
    round.whenComplete((ignored, error) -> afterRound());
  }

  /**
   * Another round if an entry applied while this one was out; none otherwise. A failed round
   * (leadership lost, the node closing) is not repeated: the next leader's entries and heartbeats tell
   * the members.
   */
  private synchronized void afterRound() {
    if (target > started) {
      waits = 0;
      schedule(0);
    } else {
      busy = false;
    }
  }
}
