package io.mvmci.ops.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.mvmci.replication.QueueStateMachine;
import io.mvmci.replication.RaftNode;
import io.mvmci.replication.RaftStatus;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * This node's view of Raft: {@code mvmci_raft_*}. Gauges read one cached {@link RaftStatus} (200 ms),
 * so a scrape sees one consistent-enough picture. Counters count since the node started.
 */
public final class RaftMetrics implements MeterBinder {
  private final RaftNode node;
  private final Cached<RaftStatus> status;

  public RaftMetrics(RaftNode node) {
    this.node = node;
    this.status = new Cached<>(node::status, 200, node.status());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(registry, "mvmci.raft.term", "current term as this node knows it", RaftStatus::term);
    gauge(registry, "mvmci.raft.leader", "1 if this node is the leader, else 0", s -> s.isLeader() ? 1 : 0);
    gauge(registry, "mvmci.raft.leader.id", "id of the leader this node knows of, -1 if none",
        s -> s.leaderId().orElse(-1));
    gauge(registry, "mvmci.raft.commit.index", "highest log index known committed", RaftStatus::commitIndex);
    gauge(registry, "mvmci.raft.applied.index", "highest log index applied here", RaftStatus::appliedIndex);
    gauge(registry, "mvmci.raft.apply.lag", "committed entries not yet applied here", RaftStatus::applyLag);
    gauge(registry, "mvmci.raft.running", "1 while the Raft division runs; 0 after it stopped",
        s -> s.running() ? 1 : 0);

    Gauge.builder("mvmci.storage.free", node, n -> n.disk().usableBytes()).baseUnit("bytes")
        .description("free space in the data directory, as the disk guard last saw it").register(registry);
    Gauge.builder("mvmci.storage.refusing", node, n -> n.disk().refusing() ? 1 : 0)
        .description("1 while this node refuses writes for want of storage (see health's storage component)")
        .register(registry);

    QueueStateMachine sm = node.stateMachine();
    FunctionCounter.builder("mvmci.raft.leader.changes", sm, QueueStateMachine::leaderChanges)
        .description("leaders this node learned of (elections it saw end)").register(registry);
    FunctionCounter.builder("mvmci.raft.snapshots.taken", sm, QueueStateMachine::snapshotsTaken)
        .description("snapshots this node took").register(registry);
    FunctionCounter.builder("mvmci.raft.snapshots.installed", sm, QueueStateMachine::snapshotsInstalled)
        .description("snapshots received from a leader and loaded").register(registry);

    DistributionSummary batches = DistributionSummary.builder("mvmci.raft.group.commit.batch")
        .description("commands in each log entry this node proposed (group commit)")
        .baseUnit("commands")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
        .register(registry);

    Timer waits = latency("mvmci.raft.group.commit.wait",
        "how long a command waited on this node for the entry in flight before its own entry was sent")
        .register(registry);
    Timer roundTrips = latency("mvmci.raft.proposal.duration",
        "from sending an entry this node proposed to its reply: committed on a majority and applied on the leader"
        + " (through the leader's Raft client from a follower)")
        .register(registry);
    node.observeProposals(batches::record, n -> waits.record(n, TimeUnit.NANOSECONDS),
        n -> roundTrips.record(n, TimeUnit.NANOSECONDS));
  }

  private static Timer.Builder latency(String name, String help) {
    return Timer.builder(name).description(help).serviceLevelObjectives(
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofSeconds(5));
  }

  private void gauge(MeterRegistry registry, String name, String help, ToDoubleFunction<RaftStatus> f) {
    Gauge.builder(name, status, c -> f.applyAsDouble(c.get())).description(help).register(registry);
  }
}
