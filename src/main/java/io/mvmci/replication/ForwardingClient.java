package io.mvmci.replication;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's Raft client, through which a follower forwards its entries to the leader, renewed when
 * Ratis has closed it. Ratis's ordered async sends share one sliding window per client; a request
 * that exhausts the retry policy (a leader gone longer than about 10 s) fails that window and closes
 * it, and every later send on that client fails at once with {@link AlreadyClosedException}. Before
 * this class the node kept that client for good and could never forward a write again
 * (ReplicatedQueueTest caught it, once the suite ran in two JVMs and elections got slower). A send
 * that meets a closed client builds a new one (for the members known now) and is sent once more.
 *
 * <p>Threading: any thread; the renewal is synchronized and happens once per closed client.
 */
final class ForwardingClient implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(ForwardingClient.class);

  private final Supplier<RaftClient> factory;
  private volatile RaftClient client;
  private volatile boolean closed;

  ForwardingClient(Supplier<RaftClient> factory) {
    this.factory = factory;
    this.client = factory.get();
  }

  /** The client now (for reads and membership changes, which do not use the ordered window). */
  RaftClient current() {
    return client;
  }

  /** An ordered write through the leader, on a new client if Ratis closed the current one. */
  CompletableFuture<RaftClientReply> send(Message message) {
    RaftClient used = client;
    return used.async().send(message).exceptionallyCompose(error -> {
      if (!closed && closedBy(error)) {
        return renew(used).async().send(message);
      }
      return CompletableFuture.failedFuture(error);
    });
  }

  private synchronized RaftClient renew(RaftClient old) {
    if (client == old && !closed) {
      LOG.warn("the Raft client's ordered window was closed (a request ran out of retries); a new client"
          + " takes over");
      client = factory.get();
      try {
        old.close();
      } catch (IOException | RuntimeException e) {
        LOG.debug("closing the old Raft client: {}", e.toString());
      }
    }
    return client;
  }

  static boolean closedBy(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof AlreadyClosedException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    client.close();
  }
}
