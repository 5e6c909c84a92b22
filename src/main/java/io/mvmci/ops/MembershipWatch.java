package io.mvmci.ops;

import io.mvmci.replication.RaftNode;
import io.mvmci.replication.RaftSettings;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Stops a node that has been removed from the group: once the group's stable configuration no longer
 * names it ({@link io.mvmci.replication.Membership#removed()}), it logs one line saying so, shuts down
 * as on SIGTERM (its worker hands unfinished jobs back first) and exits with status 0. Restarted on
 * the same data directory, it stops again at once: Ratis persisted the configuration that left it out.
 */
public final class MembershipWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipWatch.class);
  static final long PERIOD_MS = 500;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "membership-watch");
    t.setDaemon(true);
    return t;
  });

  MembershipWatch(RaftNode node, ConfigurableApplicationContext context) {
    timer.scheduleWithFixedDelay(() -> {
      if (!node.membership().removed()) {
        return;
      }
      LOG.warn("node {} was removed from the cluster (voters now {}); stopping", node.selfId(),
          node.membership().current().voters().stream().map(RaftSettings.Peer::id).toList());
      timer.shutdown();
      Thread stop = new Thread(() -> System.exit(SpringApplication.exit(context, () -> 0)), "removed-stop");
      stop.start();
    }, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
