package io.mvmci.replication;

import io.mvmci.command.Command;
import io.mvmci.command.Result;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LogAppender;

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
 * <p>So the leader, once it has applied an entry and nothing newer is in its log, sends each member
 * that has not heard of the commit a heartbeat, which carries the commit index: no log entry, no
 * fsync. It does so through the member's log appender ({@link LeaderAppenders}), and keeps at it until
 * every member has answered with a commit index at or past the entry. Two details of Ratis shape it:
 * <ul>
 *   <li>a heartbeat built while the member's AppendEntries is unanswered carries no commit index, so a
 *       member is sent one only once it has the entry and nothing unanswered (an AppendEntries built
 *       after the commit carries it anyway); the round checks again after pauses of 1, 2, 4 ... ms, for
 *       at most {@link #MAX_WAITS} pauses (about 60 ms: past that a member is slow or down, and the
 *       others have been told without it);</li>
 *   <li>Ratis's own way to send heartbeats, a ReadIndex, sends none for a commit index a majority has
 *       acknowledged already. The rounds used it until 2026-12-05: a round that began once a later
 *       entry had committed, and was answered by the faster follower, left the other untold of that
 *       index, and the next round for it sent nothing (one job in twelve awaited through a follower
 *       waited for the regular heartbeat).</li>
 * </ul>
 * At most one round is under way at a time; an entry applied meanwhile is covered by it.
 *
 * <p>Threading: {@link #applied} runs on the apply thread and never blocks. Rounds run on
 * {@code sender} only.
 */
final class CommitNudge implements ApplyListener, AutoCloseable {
  /** Pauses of 1, 2, 4, ... 32 ms while a member has not heard of the commit: 63 ms at most. */
  static final int MAX_WAITS = 6;

  private final ApplyListener next;
  private final LongPredicate leadsWithNothingAfter;
  private final Members members;
  private final Sender sender;
  /** Closed with the nudge: the thread {@link #onLeader} runs rounds on (none for a test's sender). */
  private final Runnable stop;
  /** The highest index a round was asked for; guarded by this, as the fields below. */
  private long target = -1;
  /** A round is under way. */
  private boolean busy;
  private int waits;

  /** Runs a task after a pause (0: at once) on a thread of its own. */
  @FunctionalInterface
  interface Sender {
    Future<?> after(long pauseMs, Runnable task);
  }

  /** The other members (followers and listeners), as the leader sees them. */
  interface Members {
    /**
     * Sends a heartbeat to each member that has not heard of {@code index}, has the entry, and has no
     * AppendEntries unanswered, unless it was sent one for this index or a later one already.
     *
     * @return whether some member has not answered with a commit index at or past {@code index}
     */
    boolean tell(long index);
  }

  /**
   * @param next told of every entry first
   * @param leadsWithNothingAfter whether this node leads a group with other members and its log holds
   *     nothing after the given index (else the entry that follows carries the commit index)
   * @param members the members to tell
   * @param sender where rounds run (one thread is enough)
   */
  CommitNudge(ApplyListener next, LongPredicate leadsWithNothingAfter, Members members, Sender sender) {
    this(next, leadsWithNothingAfter, members, sender, () -> { });
  }

  private CommitNudge(ApplyListener next, LongPredicate leadsWithNothingAfter, Members members, Sender sender,
      Runnable stop) {
    this.next = next;
    this.leadsWithNothingAfter = leadsWithNothingAfter;
    this.members = members;
    this.sender = sender;
    this.stop = stop;
  }

  /**
   * The nudge of node {@code selfId}, reading the leader's state from its division and reaching the
   * members through its appenders, running rounds on a daemon thread of its own that ends when idle.
   */
  static CommitNudge onLeader(int selfId, ApplyListener next, Membership.DivisionSource division,
      LeaderAppenders appenders) {
    ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "n" + selfId + "-commit-nudge");
      t.setDaemon(true);
      return t;
    });
    thread.setKeepAliveTime(30, TimeUnit.SECONDS);
    thread.allowCoreThreadTimeOut(true);
    return new CommitNudge(next, index -> leadsWithNothingAfter(division, index), new AppenderMembers(appenders),
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

  /** The members as this node's running appenders know them: their commit and match indexes. */
  private static final class AppenderMembers implements Members {
    private final LeaderAppenders appenders;
    /** The highest index each appender was told to send a heartbeat for; only the round's thread uses it. */
    private final Map<LogAppender, Long> told = new WeakHashMap<>();

    AppenderMembers(LeaderAppenders appenders) {
      this.appenders = appenders;
    }

    @Override
    public boolean tell(long index) {
      boolean[] untold = {false};
      appenders.forEachRunning(a -> {
        FollowerInfo f = a.getFollower();
        if (f.getCommitIndex() >= index) {
          return;
        }
        untold[0] = true;
        if (f.getMatchIndex() >= index && !LeaderAppenders.sendingEntries(a) && told.getOrDefault(a, -1L) < index) {
          told.put(a, index);
          a.triggerHeartbeat();
        }
      });
      return untold[0];
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
        if (index > target) {
          target = index;
          waits = 0; // a round under way gives the new entry all its pauses
        }
        if (!busy) {
          busy = true;
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
      sender.after(pauseMs, this::round);
    } catch (RejectedExecutionException e) { // the node is closing
      busy = false;
    }
  }

  /** One pass of the round: tells the members not told yet, and checks again after a pause until all are. */
  private void round() {
    long index;
    synchronized (this) {
      index = target;
    }
    boolean untold;
    try {
      untold = members.tell(index);
    } catch (RuntimeException e) { // leadership lost, the node closing: the next leader tells the members
      untold = false;
    }
    synchronized (this) {
      if (target > index) { // applied() gave the new target its pauses
        schedule(0);
      } else if (untold && waits < MAX_WAITS) {
        schedule(1L << waits++);
      } else {
        busy = false;
      }
    }
  }
}
