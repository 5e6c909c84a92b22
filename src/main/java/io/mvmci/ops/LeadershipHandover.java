package io.mvmci.ops;

import io.mvmci.replication.Membership;
import io.mvmci.replication.RaftNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;

/**
 * A leader hands leadership over before its Raft server closes, so the cluster has a new leader in
 * about a round trip instead of after an election timeout.
 *
 * <p>Order on shutdown (SIGTERM or context close), and why it holds:
 * <ol>
 *   <li>Tomcat stops taking requests and lets the ones in flight finish (graceful shutdown, a
 *       lifecycle phase that ends before any bean is destroyed): they still have Raft.</li>
 *   <li>Beans that depend on the {@link RaftNode} are destroyed before it (Spring destroys dependents
 *       first): the worker agent hands unfinished jobs back through Raft, the reaper stops.</li>
 *   <li>Then, right before the RaftNode's own close (this callback runs before its destroy method):
 *       leadership transfer, bounded by {@code timeoutMs}.</li>
 *   <li>Then the Raft client and server close.</li>
 * </ol>
 */
public final class LeadershipHandover implements DestructionAwareBeanPostProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(LeadershipHandover.class);
  private final long timeoutMs;

  public LeadershipHandover(long timeoutMs) {
    this.timeoutMs = timeoutMs;
  }

  @Override
  public boolean requiresDestruction(Object bean) {
    return bean instanceof RaftNode;
  }

  @Override
  public void postProcessBeforeDestruction(Object bean, String beanName) {
    if (!(bean instanceof RaftNode node) || node.members() < 2 || !node.status().running()
        || !node.isLeader()) {
      return;
    }
    long started = System.nanoTime();
    Membership.Handover outcome = node.transferLeadership(timeoutMs);
    long ms = (System.nanoTime() - started) / 1_000_000;
    switch (outcome) {
      case MOVED -> LOG.info("handed leadership over in {} ms before stopping (leader now: node {})", ms,
          node.leaderId().map(Object::toString).orElse("unknown"));
      case NO_MAJORITY_REACHED -> LOG.info("not handing leadership over: the followers this leader still"
          + " reaches are no majority of the {} voters, so no leader could commit once it stops", node.members());
      case FAILED -> LOG.warn("could not hand leadership over within {} ms; the others elect a leader after"
          + " their election timeout", ms);
    }
  }
}
