package io.mvmci.replication;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;

/**
 * The log appenders of this node while it leads: one per other member, each sending that member its
 * AppendEntries and heartbeats. {@link CommitNudge} sends a member a heartbeat through its appender
 * when the member has not heard of a commit. Ratis has no public way to reach them, so the node runs
 * Ratis's own gRPC transport under an {@link RpcType} of its own ({@link Rpc}, named by its class in
 * {@code raft.rpc.type}, as Ratis provides for), whose factory is {@link GrpcFactory} but records each
 * appender it makes in the set found in the {@link Parameters}.
 *
 * <p>Threading: appenders are added on Ratis's threads that start a leadership or add a member, and
 * read on the commit nudge's; the set is guarded by itself. It holds them weakly, so a leadership's
 * appenders leave it once Ratis lets go of them.
 */
public final class LeaderAppenders {
  private static final String KEY = LeaderAppenders.class.getName();

  /** Held weakly: Ratis drops a leadership's appenders when it ends, and they go with it. */
  private final Set<LogAppender> appenders = Collections.newSetFromMap(new WeakHashMap<>());

  private LeaderAppenders() {}

  /** Puts a new set into {@code params}, where this node's transport factory finds it. */
  static LeaderAppenders in(Parameters params) {
    LeaderAppenders a = new LeaderAppenders();
    params.put(KEY, a, LeaderAppenders.class);
    return a;
  }

  /**
   * Calls {@code action} with each appender that is running: those of this node's leadership (one
   * made a moment ago and not started yet is skipped, not forgotten).
   */
  void forEachRunning(Consumer<LogAppender> action) {
    List<LogAppender> now;
    synchronized (appenders) {
      now = new ArrayList<>(appenders);
    }
    for (LogAppender a : now) {
      if (a.isRunning()) {
        action.accept(a);
      }
    }
  }

  private void add(LogAppender a) {
    synchronized (appenders) {
      appenders.add(a);
    }
  }

  /** Whether the appender has an AppendEntries with entries unanswered (a heartbeat then carries no commit). */
  static boolean sendingEntries(LogAppender a) {
    return a instanceof GrpcLogAppender g && g.hasPendingDataRequests();
  }

  /** Ratis's gRPC transport, recording the appenders it makes. */
  public static final class Rpc implements RpcType {
    /** The value of {@code raft.rpc.type} that selects it. */
    static final String NAME = Rpc.class.getName();

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public RpcFactory newFactory(Parameters parameters) {
      LeaderAppenders set = parameters.get(KEY, LeaderAppenders.class);
      return new Factory(parameters, set != null ? set : new LeaderAppenders());
    }
  }

  private static final class Factory extends GrpcFactory {
    private final LeaderAppenders set;

    Factory(Parameters parameters, LeaderAppenders set) {
      super(parameters);
      this.set = set;
    }

    @Override
    public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      LogAppender a = super.newLogAppender(server, state, follower);
      set.add(a);
      return a;
    }
  }
}
